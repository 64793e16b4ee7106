// The languages a steer can ask the demo agents for ("in French"), so a steer visibly changes the
// rest of an answer into readable words of another language.

export interface SteerLanguage {
  /** How the acknowledgement names it: "in French". */
  readonly label: string;
  /** Words in a steer that ask for it. */
  readonly pattern: RegExp;
  readonly sentences: readonly string[];
  /** Closing sentences of every length from one word up. */
  readonly closers: readonly string[];
}

export const steerLanguages: readonly SteerLanguage[] = [
  {
    label: 'in French',
    pattern: /\b(french|fran[cç]ais)\b/i,
    sentences: [
      'Chaque mot de cette réponse est écrit dans la session, pas dans votre onglet.',
      'Rechargez la page maintenant, et la réponse reprendra là où elle en était.',
      'Coupez le réseau quelques secondes et revenez, rien ne sera perdu.',
      'Ouvrez un deuxième onglet et vous verrez les mêmes mots arriver en même temps.',
      "Le bouton Stop envoie un message d'annulation, jamais une simple déconnexion.",
      'Vous pouvez encore me guider en cours de route, et la suite changera de nouveau.',
      "La session garde tout l'historique, donc un nouvel onglet voit toute la conversation.",
    ],
    closers: [
      'Voilà.',
      'Rien perdu.',
      'Rien ne manque.',
      'Chaque mot arrive intact.',
      'Chaque mot arrive une fois.',
      'La session garde chaque mot intact.',
      'Rechargez donc la page pour le vérifier.',
      'Rien ici ne dépend de votre onglet ouvert.',
    ],
  },
  {
    label: 'in Spanish',
    pattern: /\b(spanish|espa[nñ]ol)\b/i,
    sentences: [
      'Cada palabra de esta respuesta se escribe en la sesión, no en su pestaña.',
      'Recargue la página ahora y la respuesta seguirá justo donde estaba.',
      'Desconecte la red unos segundos y vuelva, no se perderá nada.',
      'Abra una segunda pestaña y verá llegar las mismas palabras a la vez.',
      'El botón Stop envía un mensaje de cancelación, nunca una simple desconexión.',
      'Puede seguir guiándome mientras escribo, y el resto volverá a cambiar.',
      'La sesión guarda todo el historial, así que una pestaña nueva ve la conversación entera.',
    ],
    closers: [
      'Listo.',
      'Nada perdido.',
      'Nada se pierde.',
      'Cada palabra llega entera.',
      'Cada palabra llega una vez.',
      'La sesión guarda cada palabra intacta.',
      'Recargue la página y compruébelo usted mismo.',
      'Nada aquí depende de su pestaña del navegador.',
    ],
  },
  {
    label: 'in German',
    pattern: /\b(german|deutsch)\b/i,
    sentences: [
      'Jedes Wort dieser Antwort steht in der Sitzung, nicht in Ihrem Tab.',
      'Laden Sie die Seite jetzt neu, und die Antwort macht genau dort weiter.',
      'Gehen Sie ein paar Sekunden offline, danach fehlt kein einziges Wort.',
      'Öffnen Sie einen zweiten Tab, und dieselben Wörter kommen dort gleichzeitig an.',
      'Stop sendet eine Abbruchnachricht und ist nie bloß eine getrennte Verbindung.',
      'Sie können mich weiter lenken, während ich schreibe, und der Rest ändert sich erneut.',
      'Die Sitzung behält den ganzen Verlauf, also sieht ein neuer Tab das ganze Gespräch.',
    ],
    closers: [
      'Fertig.',
      'Nichts verloren.',
      'Nichts geht verloren.',
      'Jedes Wort kommt an.',
      'Jedes Wort kommt einmal an.',
      'Die Sitzung bewahrt jedes einzelne Wort.',
      'Laden Sie neu und sehen Sie selbst.',
      'Nichts hier hängt von Ihrem offenen Tab ab.',
    ],
  },
];
