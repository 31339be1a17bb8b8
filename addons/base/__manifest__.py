{
    "name": "Base",
    "version": "1.0",
    "summary": "The kernel every Bureau database has: models, users, groups, partners, companies",
    "category": "Hidden",
    "license": "LGPL-3",
    "depends": [],
    "data": [
        "data/res.groups.category.csv",
        "data/res.groups.csv",
        "data/res.currency.csv",
        "data/res.country.csv",
        "data/res.company.csv",
        "security/ir.model.access.csv",
    ],
    "demo": [],
    "installable": True,
    "auto_install": True,
}
