"""The bare Django ceiling of `make bench`: a `startproject` project whose one view returns JSON."""
