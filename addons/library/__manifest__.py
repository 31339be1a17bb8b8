{
    "name": "Library",
    "summary": "Books, members and loans: the tutorial addon of Bureau",
    "description": "Manage a lending library: the book catalogue, the members and their loans.",
    "version": "1.0",
    "category": "Services/Library",
    "license": "LGPL-3",
    "depends": ["base"],
    "data": [
        "security/library_security.xml",
        "security/ir.model.access.csv",
        "data/library_data.xml",
        "views/library_book_views.xml",
        "views/library_loan_views.xml",
        "views/library_menus.xml",
    ],
    "demo": ["demo/library_demo.xml"],
    "application": True,
}
