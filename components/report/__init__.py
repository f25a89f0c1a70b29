"""Reports of a view: standalone HTML and PNG per chart (page button and ``cli.py report``)."""
