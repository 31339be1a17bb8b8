{
    "name": "ORM test extensions",
    "summary": "Extends the ORM test models from another addon (tests only)",
    "category": "Hidden/Tests",
    "depends": ["test_orm"],
}
