"""Example data shipped with the library: the Ningxia supervisor program (``ningxia``)."""
