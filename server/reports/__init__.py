"""Documents and figures generated from the records: the service report (运行服务单) of a work
order, and the supervisor's report figures."""
