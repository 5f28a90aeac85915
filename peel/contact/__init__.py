"""Contact management: 999/101 intake, online and anonymous reporting, Open311, THRIVE, CRM flags."""
