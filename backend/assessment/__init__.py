"""Target assessment (组织工作目标考评): the rubric as data, evidence proposals, scoring, org classes, disqualifications."""
