"""Where records are kept. ``memory`` is built in; see :mod:`govservice.store.memory`."""
