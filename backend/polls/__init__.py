"""Satisfaction polls (群众满意度测评): roster, blind-signed credentials, paper slips, casting, the public board, the tally."""
