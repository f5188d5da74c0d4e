"""Treatment-plan review (issue 8): each goal's progress from the notes and scores since
the last review, a status suggestion, revised wording where there was no progress, and
the approved update written to the CarePlan and Goals in the EHR once."""
