"""Regions: one :class:`~sharedopt.data.region.selection.RegionSource` per family, a selection in, data out.

* :mod:`~sharedopt.data.region.selection`: :class:`Selection` (what to load),
  :class:`RegionData` (what is loaded), the :class:`RegionSource` protocol;
* :mod:`~sharedopt.data.region.register`: English and Welsh councils from the embedded register;
* :mod:`~sharedopt.data.region.user`: authorities from a user's boundary file;
* :mod:`~sharedopt.data.region.us`: US counties (SYNTHETIC costs);
* :mod:`~sharedopt.data.region.load`: :func:`load_region`, the entry point.
"""
