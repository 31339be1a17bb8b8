{
    "name": "Calendar",
    "summary": "Meetings and events: organizer, attendees, all-day events, a week calendar",
    "description": "Plan meetings: who organizes them, who attends, where and when; timed or all-day "
                   "events shown in the calendar view, coloured by organizer; private events.",
    "version": "1.0",
    "category": "Productivity/Calendar",
    "license": "LGPL-3",
    "depends": ["base"],
    "data": [
        "security/ir.model.access.csv",
        "security/calendar_security.xml",
        "views/calendar_event_views.xml",
        "views/calendar_event_type_views.xml",
        "views/calendar_menus.xml",
    ],
    "demo": ["demo/calendar_demo.xml"],
    "application": True,
}
