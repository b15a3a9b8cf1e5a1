"""Pure rules of the procedure: stages' workflow, periods and the calendar, limitation, major decisions, numbering, document steps."""
