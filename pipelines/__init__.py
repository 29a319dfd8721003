"""Pipelines: Prefect flows, the steps they run, settings and the `ties` command line.

The only package that knows about Prefect, files on disk and configuration."""
