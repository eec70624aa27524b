"""bulletin: write, number, typeset, archive and send a periodic work bulletin (工作简报)."""

__version__ = "0.1.0"
