"""The report "Pakistani Jihadis and Global Jihad" (June 2021) as a linked-data knowledge graph."""

__version__ = "0.1.0"
