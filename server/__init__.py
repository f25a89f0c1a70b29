"""The server layer: Flask routes, guards, HTTP, fair use and warm-up around the Dash app."""
