"""SSDA903 import and export (issue 4, points 6 and 7).

files: reading and writing the CSVs (pure); plan: checking rows and grouping them
by child (pure); importer and exporter: the services.
"""
