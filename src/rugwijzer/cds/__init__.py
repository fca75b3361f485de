"""CDS Hooks 2.0 service: on patient-view, assess the patient's latest Rugwijzer
QuestionnaireResponse (prefetched by the EHR) and return one card. Stateless."""
