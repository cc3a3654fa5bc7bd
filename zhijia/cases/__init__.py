"""Rights protection (维权): 12351 hotline and web tickets, routed down the union tree, handled against
working-day deadlines, referred to partner agencies for mediation or to legal aid, called back and rated."""
