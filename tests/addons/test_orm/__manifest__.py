{
    "name": "ORM test models",
    "summary": "Models exercising every field type, inheritance form and computation of the ORM (tests only)",
    "category": "Hidden/Tests",
    "depends": ["base"],
    "data": ["security/test_orm_acl_paths.xml", "security/ir.model.access.csv"],
}
