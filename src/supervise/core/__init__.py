"""The functional core: pure computations over model objects and an ``as_of`` date.

Nothing here reads files or touches SQL; the same functions run on objects built by hand in a
notebook and on objects loaded from a registry.
"""
