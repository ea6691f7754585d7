"""What a dataflow document means for the data: each section's rows resolved to the two systems' fields,
paths and directions (``sections.py``, ``rows.py``), the facts of value kinds a row is checked against
(``kinds.py``), and mapping files that fill empty tables (``mapping_file.py``). No value is converted here."""
