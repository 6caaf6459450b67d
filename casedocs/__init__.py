"""Application layer: configuration, the command line and the demo, wiring the packages together."""
