"""The runnable checklist: the world a scenario runs in, drivers, actions, checks, round trips, results."""
