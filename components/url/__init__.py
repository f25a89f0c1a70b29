"""The view in the URL: field declarations (``fields``), parsing and serialising
(``query``), and the callbacks that keep the URL and the controls in step (``sync``)."""
