{
    "name": "Fault-injection test models",
    "summary": "Counters and slow writers for the crash-safety and concurrency tests (tests only)",
    "category": "Hidden/Tests",
    "depends": ["base"],
    "data": ["security/ir.model.access.csv"],
}
