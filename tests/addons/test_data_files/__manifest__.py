{
    "name": "Data file test addon",
    "summary": "XML and CSV data and demo files exercising the data loaders (tests only)",
    "category": "Hidden/Tests",
    "depends": ["base"],
    "data": [
        "security/ir.model.access.csv",
        "data/test.data.tag.csv",
        "data/test_data_items.xml",
        "data/test.data.item-lines.csv",
        "data/test_data_menus.xml",
    ],
    "demo": [
        "demo/test.data.tag-demo.csv",
        "demo/test_data_demo.xml",
    ],
}
