"""Workers' and reviewers' pages for hardship aid. Thin: selectors read, services write."""
