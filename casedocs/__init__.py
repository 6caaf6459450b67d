"""Application layer: configuration, the command line and the demo, wiring the packages together."""
import warnings

# pyHanko imports cryptography's DSA key type, which cryptography marks deprecated at import: a
# warning on every command a user runs, about an algorithm casedocs never uses (its keys are EC and
# RSA). Silenced for that message only.
warnings.filterwarnings("ignore", message="DSA is deprecated", module="pyhanko")
