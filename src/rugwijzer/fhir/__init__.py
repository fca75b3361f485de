"""FHIR R4 adapter (fhir.resources' R4B models): the intake as a Questionnaire, a
QuestionnaireResponse as an intake, and the assessment as a RiskAssessment and a CarePlan."""
