"""SSDA903 import and export (D-SOR).

files: reading and writing the CSVs (pure); plan: checking rows and grouping them
by child (pure); importer and exporter: the services.
"""
