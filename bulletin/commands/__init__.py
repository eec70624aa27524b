"""The commands: each a composition of the stages, a library function that a test can
call without Click.  cli.py only turns options into a call and its result into lines."""
