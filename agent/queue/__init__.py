"""Captures on a task queue, for a group that outgrows one machine.

``capture --queue`` and ``watch --queue`` send capture jobs to Dramatiq on Redis
(``[queue] broker``); ``jianyipai worker`` processes take them and capture exactly as the
command line does. ``broker``: the queue, its jobs, retries and dead-letter list;
``hosts``: per-host politeness shared by every worker; ``worker``: the worker process;
``leader``: the one scheduler among several ``watch --queue``.
"""
