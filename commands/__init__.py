"""The command line's modules beside ``cli.py`` (its entry point and data commands):
``params`` (exit codes, options, error handling) and ``export`` (CSV exports, reports)."""
