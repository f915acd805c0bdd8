"""jazzwidget."""
