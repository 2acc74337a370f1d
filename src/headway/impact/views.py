"""Impact's web pages."""
