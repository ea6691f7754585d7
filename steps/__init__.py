"""talkqa's pytest-bdd step library and the module that binds the checklist's features."""
