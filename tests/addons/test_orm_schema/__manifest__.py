{
    "name": "ORM schema evolution",
    "summary": "Changes the ORM test models to exercise schema upgrades (tests only; installed into a copy)",
    "category": "Hidden/Tests",
    "depends": ["test_orm_ext"],
}
