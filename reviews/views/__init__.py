"""Review pages: the Timescales page, the review cycle, and the single-use link pages."""
