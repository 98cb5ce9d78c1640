"""The application layer.

The only code that touches the terminal, files, environment, caches, worker
processes and Dask.
"""
