"""The plots are independent: drawn in a pool of processes (one per core), forked after the run
file's columns are in memory, so no child touches HDF5. Arguments and results are plain data."""
import multiprocessing
import os

_pool = None
_shared = {}


def start(processes=None, **shared):
    """Keeps `shared` for the children (inherited through fork) and starts the pool."""
    global _pool
    _shared.update(shared)
    processes = processes or len(os.sched_getaffinity(0))
    if processes > 1:
        _pool = multiprocessing.get_context("fork").Pool(processes)


def shared(name):
    return _shared[name]


def starmap(func, argument_lists):
    """func(*args) for each, in order; in the pool when there is one."""
    if _pool is None:
        return [func(*args) for args in argument_lists]
    return _pool.starmap(func, argument_lists, chunksize=1)


def stop():
    global _pool
    if _pool is not None:
        _pool.close()
        _pool.join()
        _pool = None
