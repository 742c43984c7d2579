"""The version, in a module of its own: stages read it without importing the package's
entry points (which import the pipeline), so no stage imports the pipeline through it."""

__version__ = "0.1.0"
