"""The SHACL shapes (shapes/) and integrity checks (queries/checks/): each constraint proven to fire."""
