"""The typesetters: processes that make an edition's heavy outputs (PDF and the formats
made from it or beside it), split by side of the fork.

- jobs.py   what crosses the socket: a Job in, a Result out (plain data)
- fork.py   forking a typesetter (run first thing by `bulletin build`)
- child.py  a typesetter's life, in the forked process
- pool.py   the build's side: Workers and the Pool that feeds them
"""
