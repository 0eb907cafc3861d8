class EditConflict(Exception):
    """Someone else saved the record after this user opened it (optimistic locking)."""

    def __init__(self, current):
        super().__init__("The record was changed by someone else")
        self.current = current
