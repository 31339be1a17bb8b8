{
    "name": "Test-framework test addon",
    "summary": "Addon tests exercising bureau.tests (tests only)",
    "category": "Hidden/Tests",
    "depends": ["test_orm"],
}
