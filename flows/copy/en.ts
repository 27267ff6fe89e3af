/** Everything the citizen reads, in English; the same shape as the Indonesian source in `id.ts`. */
import type { Copy } from './id.js';

const months = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];

export const en: Copy = {
  footer: {
    menu: 'Type *help* for help. Ketik *bahasa* untuk Bahasa Indonesia.',
    back: 'Type 0 to go back to the menu, or *cancel* to cancel.',
    backToMenu: 'Type 0 to go back to the menu.',
  },

  notes: {
    welcome: 'Hello, welcome to *Kanal Aduan*. Here you can report a problem, check your report status and see service requirements.',
    handedBack: 'Your conversation with staff has ended. Thank you. The automated assistant is back to help you.',
    restartIdle: 'Your previous session ended after a period of inactivity, so we are starting over.',
    restartUpgrade: 'This service was just updated, so we are starting over. Sorry for the inconvenience.',
    cancelled: 'OK, cancelled.',
    stuck: 'Sorry, I still do not understand. Type *staff* to talk to a staff member, or *0* for the menu. Your answers so far are kept.',
    unsupported: 'Sorry, I can only read text, photos and locations.',
    strayPhoto: 'Thank you, but I am not asking for a photo right now. You can send photos in the photo step of a report.',
    strayLocation: 'Thank you, but I am not asking for a location right now.',
    strayContact: 'Thank you, but I am not asking for a contact right now.',
    empty: 'Your message is empty.',
    greetSalam: 'Waalaikumsalam warahmatullahi wabarakatuh.',
    greetPagi: 'Good morning.',
    greetSiang: 'Good afternoon.',
    greetSore: 'Good afternoon.',
    greetMalam: 'Good evening.',
    greetHalo: 'Hello.',
    thanks: 'You are welcome 🙏 Glad to help.',
    goodbye: 'Thank you for contacting us. Goodbye!',
    draftWaits: 'Your report has not been sent yet and is kept; carry on whenever you like.',
    stopped: 'OK, we will not send you broadcast messages any more. News about your reports will still come here. Type *mulai* (start) to receive them again.',
    resumed: 'OK, you will receive broadcast messages again, as you subscribed. Stop at any time: type *stop*.',
    regionNotFound: 'Sorry, we could not find that area. Check the spelling, or type *skip*.',
    eraseCancelled: 'OK, your data has not been deleted.',
    draftKept: 'The report you were writing is kept. Type *report* to carry on with it.',
    /** A message that kept failing in its conversation step, answered instead of stepped. */
    failed: 'Sorry, something went wrong on our side. Please type *menu* to start again.',
    /** A message the database refused to store: set aside for operators. */
    setAside: 'Sorry, we could not process your message. Please send it again in other words, or type *menu*.',
    staleChoice: 'That looks like a choice from an earlier message.',
    langSwitched: 'OK, I will reply in English.',
    help: [
      'How to use this service:',
      '• Reply with the *number* of a choice, e.g. *1*.',
      '• *0* or *menu*: back to the main menu.',
      '• *cancel*: leave for the menu; a report being written is kept.',
      '• *staff*: talk to a staff member.',
      '• *subscribe*: get news from the agency; *stop*: stop getting it.',
    '• *bahasa*: balas dalam Bahasa Indonesia.',
    ].join('\n'),
    descriptionTooShort: 'The description is too short. Please give more detail (at least 15 characters) so staff can follow up.',
    descriptionTooLong: 'The description is too long (at most 4,000 characters). Please shorten it and send it again.',
    addressTooLong: 'The address is too long (at most 500 characters). Please shorten it.',
    nameTooLong: 'The name is too long (at most 100 characters).',
    photosReset: 'The earlier photos were removed.',
    nikLength: 'A NIK has 16 digits.',
    nikDigits: 'A NIK contains digits only.',
    nikRegion: 'The region code in the NIK (first 6 digits) is not known.',
    nikBirthdate: 'The birth date in the NIK (digits 7 to 12) is not valid.',
    nikSerial: 'The last four digits of a NIK cannot be 0000.',
    caseNotFound: 'That ticket was not found among your reports. Please check the number.',
    serviceMatches: 'Several services match:',
    serviceNotFound: 'Sorry, that service is not in our list yet. Here are all available services.',
    ratingThanks: 'Thank you, your rating has been recorded.',
    reopened: 'We have reopened your report and passed it back to the officers.',
    reopenTooLate: 'Sorry, the time to reopen that report has passed. If the problem is still there, please make a new report.',
    notRateable: 'That report is not finished yet, so it cannot be rated.',
    infoNotAdded: 'Sorry, that report is closed, so nothing can be added. If needed, please make a new report.',
    infoPhotoLimit: 'Sorry, at most 3 photos at a time. Type *done* when finished.',
    addedToDescription: 'OK, I have added that to the description of your report.',
    summaryQuestion:
      'Once the report is sent (choose *1*), you get a ticket number and the date by which staff will verify your report. Other questions can go to staff once the report is sent: type *staff*.',
    addedToEarlier: 'Your description and photos have been added to your earlier report and passed to the officers.',
    identityNamed:
      'This report is sent *with your name*: your name and number are on it for the officers of the agency handling it. Rather anonymous or confidential? Choose *2* (Change), then *6* (Identity).',
    identityAnonymous:
      'This report is *anonymous*: your name and number are not on the report the officers receive, and news of the report still reaches this chat. To change it, choose *2* (Change), then *6* (Identity).',
    identityConfidential:
      'This report is *confidential*: your name is on it, but only the officers handling it can open it, and it is never published. To change it, choose *2* (Change), then *6* (Identity).',
  },

  hints: {
    choice: 'Sorry, that is not one of the choices. Please reply with one of the numbers below.',
    photos: 'Sorry, I am waiting for a photo. Send a photo, or type *done*.',
    ticket: 'Sorry, that is not a ticket number. A ticket has 8 letters/digits, e.g. ABCD-2345.',
    topics: 'Sorry, reply with topic numbers from the list, e.g. *1* or *1 3*.',
    rating: 'Sorry, please reply with a number 1–5, *satisfied*, *not satisfied* or *not finished*.',
  },
  examples: {
    choice: 'Just reply with the number, for example *1* for the first choice.',
    menu: 'You can also write what you need, for example *requirements kis*, *status ABCD-2345*, or *report broken road near SD 3*.',
    ticket: 'The ticket number is in the message you got when your report was received, for example *ABCD-2345*. Or reply with a number from the list.',
    photos: 'Send a photo with the attachment button 📎, or type *done* if there are no more photos.',
    rating: 'For example reply *5* if very satisfied, or *1* if not satisfied.',
  },

  stated: {
    prompt: (description: string, kind: string, category: string | null) =>
      ['OK, I have noted your report:', `"${description}"`, `Kind: ${kind}\nCategory: ${category ?? 'not chosen yet'}`, 'Is this right?'].join('\n\n'),
    options: (hasCategory: boolean) =>
      hasCategory ? ['Yes, continue', 'Change the description', 'Choose another category'] : ['Yes, choose a category', 'Change the description'],
  },

  resume: {
    prompt: (description: string) => `You have an unfinished report:\n\n"${description}"\n\nWould you like to continue it?`,
    options: ['Continue that report', 'Start a new report'],
    none: '(no description yet)',
  },


  menu: {
    prompt: 'Please choose a service:',
    options: [
      'Report (complaint, aspiration, information request)',
      'Check report status',
      'Service requirements',
      'Talk to a staff member',
      'Help',
    ],
  },

  kinds: {
    pengaduan: 'Complaint',
    aspirasi: 'Aspiration',
    informasi: 'Information request',
  },

  kind: {
    prompt: 'What kind of report is it?',
    options: ['Complaint (about a service)', 'Aspiration (a proposal or suggestion)', 'Information request'],
  },

  category: {
    prompt: 'What is your report about? Choose a category:',
  },

  description: {
    pengaduan: 'Describe the problem: what happened, where, and since when.',
    aspirasi: 'Write your aspiration or proposal.',
    informasi: 'Write what information you need.',
  },

  location: {
    prompt: 'Where is it? Type the address (street, RT/RW, kelurahan) or share a location 📍. If none, type *skip*.',
    skip: 'Skip',
  },

  photos: {
    prompt: 'Send supporting photos if you have any (at most 3). When finished, type *done*. If none, type *skip*.',
    received: (count: number, max: number) => `Photo ${count}/${max} received.`,
    more: 'Send another photo, or type *done*.',
    full: 'Type *done* to continue.',
    limit: (max: number) => `Sorry, at most ${max} photos. Type *done* to continue.`,
    done: 'Done',
    skip: 'Skip',
  },

  identity: {
    prompt: 'How should your identity appear?',
    options: [
      'With my name',
      'Anonymous (the party reported does not learn your name)',
      'Confidential (with name, the report is not published)',
    ],
  },

  name: {
    prompt: 'What is your name?',
  },

  nik: {
    prompt: 'Type your NIK (16 digits on your e-KTP) so your report is easier to verify. It is stored encrypted. If you prefer not to, type *skip*.',
    skip: 'Skip',
  },

  confirm: {
    title: 'Please check your report:',
    labels: {
      kind: 'Kind',
      category: 'Category',
      service: 'Service',
      description: 'Description',
      location: 'Location',
      photos: 'Photos',
      identity: 'Identity',
      nik: 'NIK',
    },
    none: '-',
    pin: (latitude: string, longitude: string) => `📍 ${latitude}, ${longitude}`,
    photoCount: (count: number) => `${count} photo${count === 1 ? '' : 's'}`,
    anonymous: 'Anonymous',
    confidential: '(confidential)',
    options: ['Send', 'Change', 'Cancel'],
  },

  edit: {
    prompt: 'Which part do you want to change?',
    options: ['Kind of report', 'Category', 'Description', 'Location', 'Photos', 'Identity', 'Back to summary'],
  },

  created: (ticket: string, verifyBy: string) =>
    [
      '✅ We have received your report.',
      `Ticket number: *${ticket}*`,
      `Please keep this number. Staff will verify your report by ${verifyBy}.`,
      'To check its status, choose *2* in the menu or type *status*.',
    ].join('\n\n'),

  subscribe: {
    topics: 'Choose the topics you want news about from the agency. You may choose more than one, e.g. *1 3*.',
    consent: 'By choosing, you agree to receive broadcast messages from the agency about those topics in this chat. Stop at any time: type *stop*.',
    region: 'Want news for your own area? Type the name of your kelurahan or kecamatan, or *skip*.',
    skip: 'Skip',
    regionChoice: 'Several areas have that name. Choose yours:',
    levels: { provinsi: 'Province', kota: 'City', kabupaten: 'Regency', kecamatan: 'District', kelurahan: 'Village', desa: 'Village' } as Record<string, string>,
    done: (topics: string, region: string | null) => `✅ You are subscribed to *${topics}*${region ? ` for ${region}` : ''}. Stop at any time: type *stop*.`,
    offer: (topic: string) => `📢 Would you like news about *${topic}* from the agency in this chat? Type *subscribe*. Stop at any time: type *stop*.`,
    offerButton: 'Subscribe',
  },

  broadcast: { noName: 'Sir/Madam' },

  /** A status change the agency pushes to the citizen (outside a conversation). */
  statusUpdate: (ticket: string, status: string, note: string | null, next: string | null, detail: string | null = null) =>
    [
      `Update on report *${ticket}*: ${status}.`,
      detail,
      note ? `Staff note: ${note}` : null,
      next ? `Next step: ${next}.` : null,
      'Reply *status* to see the details.',
    ]
      .filter(Boolean)
      .join('\n\n'),

  staffReply: (ticket: string, text: string) => `Staff reply about report *${ticket}*:\n\n${text}`,
  unnamedCitizen: 'Sir/Madam',
  rerouted: (dinas: string) => `Your report was transferred to ${dinas}, which is responsible for it.`,
  duplicateOf: (original: string | null) =>
    original
      ? `This report is the same as your report *${original}*; it is handled there.`
      : 'This report is the same as one already being handled; it is handled there.',

  status: {
    listTitle: 'Your latest reports:',
    typeTicket: 'Choose a number, or type a ticket number (e.g. ABCD-2345).',
    none: 'You have no reports yet.',
    startReport: 'Make a report',
    words: {
      baru: 'Received, awaiting verification',
      diverifikasi: 'Verified',
      diteruskan: 'Forwarded to the responsible unit',
      diproses: 'Being followed up',
      selesai: 'Follow-up completed',
      ditutup: 'Closed',
      ditolak: 'Rejected',
      duplikat: 'Merged with an identical report',
    },
    nextStep: {
      baru: 'verification by staff',
      diverifikasi: 'forwarding to the responsible unit',
      diteruskan: 'follow-up by the agency',
      diproses: 'completion of the follow-up',
      selesai: 'closing if there is no response',
    },
    labels: {
      ticket: 'Ticket',
      kind: 'Kind',
      category: 'Category',
      status: 'Status',
      reason: 'Reason',
      note: 'Staff note',
      updated: 'Last update',
      next: 'Next step',
    },
    dueBy: (step: string, date: string) => `${step}, by ${date}`,
    another: 'Type another ticket number, or 0 to go back to the menu.',
    addInfoHint: 'Type *add info* to add details or photos.',
    rateHint: 'Type *rate* to rate how it was handled, or *not finished* if the problem is not solved.',
    rateOnlyHint: 'Type *rate* to rate how it was handled.',
  },

  rating: {
    asked: 'Is your problem solved? Reply with a rating 1–5 (5 = very satisfied), *satisfied* or *not satisfied*. If it is not solved, reply *not finished*.',
    prompt: (ticket: string) =>
      `How was report *${ticket}* handled? Reply with a rating 1–5 (5 = very satisfied), *satisfied* or *not satisfied*. If the problem is not solved, reply *not finished*.`,
    comment: 'Thank you. Any suggestion or comment? Write it here, or type *skip*.',
    lowComment: 'We are sorry it was not satisfying. What was missing? If the problem is not solved, say what is left: the report will be reopened. Or type *skip*.',
    reopenReason: 'What is not solved yet? A short note helps the officers follow up, or type *skip*.',
    satisfied: 'Satisfied',
    unsatisfied: 'Not satisfied',
    notFinished: 'Not finished',
    skip: 'Skip',
  },

  addInfo: {
    prompt: (ticket: string) => `Send more details or photos for report *${ticket}*. Type *done* when finished.`,
    added: (ticket: string) => `Added to report *${ticket}* and passed to the officers. Send more details or photos, or type *done*.`,
  },

  /** Words typed at the summary, offered for the description. */
  addition: {
    prompt: (text: string) => `Add this to the description of your report?\n\n"${text}"`,
    options: ['Yes, add it', 'No'],
  },

  duplicate: {
    prompt: (ticket: string, date: string) => `You already reported about this category on ${date} (ticket *${ticket}*). Is this a new report?`,
    options: (ticket: string) => ['Yes, this is a new problem', `The same problem: add it to *${ticket}*`],
  },

  services: {
    prompt: 'Which service would you like the requirements for?',
    hint: 'Type a number, or the service name (e.g. *pkh* or *kis*).',
    requirements: 'Requirements',
    procedure: 'How to apply',
    where: 'Where and when',
    next: {
      prompt: 'Anything else?',
      options: ['Report a problem with this service', 'See other services'],
    },
  },

  petugas: {
    recorded: 'Your request to talk to a staff member has been recorded.',
    online: 'Staff are on duty and will reply here. Please write your question.',
    offline: (hours: string) =>
      `We are outside service hours (${hours}). Staff will reply here during service hours. Please write your question.`,
    forwarded: 'We have received your message; staff will read it.',
    answerFrom: (day: string, time: string, hours: string) =>
      `We are outside service hours (${hours}). Staff will reply here from ${day} at ${time}. Please write your question.`,
    joined: 'A staff member has joined and will reply to you here.',
  },

  fairUse: {
    slowDown:
      'Sorry, your messages are arriving too fast. We keep what you send within this minute, but will not answer each one. Please wait a moment, then send again what was not answered.',
    shortened: (limit: string) => `Your message was very long, so we kept and read only its first ${limit} characters.`,
    number: (n: number) => n.toLocaleString('en-US'),
  },

  webChat: {
    lang: 'en',
    title: 'Kanal Aduan — web chat',
    intro: 'Send your report or question as you would on WhatsApp/Telegram. Type *hello* to start.',
    placeholder: 'Write a message…',
    messageLabel: 'Message',
    send: 'Send',
    newConversation: 'New conversation',
    confirmNew: 'Start a new conversation? This one will be closed and will no longer show on this device.',
    retrying: 'Network trouble, trying again…',
    notSent: 'Message not sent. Check your connection, then send it again.',
    tooFast: 'Messages are coming too fast. Wait a moment, then send again.',
    ended: 'The previous conversation has ended. This is a new conversation.',
    privacyLink: 'Privacy',
    otherLanguage: { label: 'Bahasa Indonesia', href: '/chat?lang=id' },
  },

  privacy: {
    notice: (base: string) =>
      `🔒 We process your personal data to handle your reports, under Indonesia's Personal Data Protection Law (UU 27/2022). Type *my data* to see or delete it. More: ${base}/privacy`,
    held: {
      title: 'The data we hold about you:',
      chats: 'Chats',
      name: 'Name',
      nik: 'NIK',
      cases: 'Reports',
      messages: 'Stored messages',
      photos: 'Stored photos',
      none: '-',
      phone: (masked: string) => `number ${masked}`,
      moreCases: (count: number) => `and ${count} more`,
      channels: { telegram: 'Telegram', web: 'Web chat', 'whatsapp-web': 'WhatsApp', 'whatsapp-cloud': 'WhatsApp' },
      howToErase: 'To delete your personal data, choose 1 or type *delete my data*.',
    },
    again: 'Type *my data* to see your data again.',
    eraseOption: 'Delete my data',
    erase: {
      prompt:
        'Do you really want to delete your personal data? Your name, NIK, phone number, address, messages and photos will be deleted for good. Your reports stay without personal data (for statistics), but can no longer be checked from this chat.',
      options: ['Yes, delete my data', 'No, cancel'],
      done: 'Your personal data has been deleted. If you write again, the conversation starts afresh.',
    },
    page: {
      path: '/privacy',
      title: 'Privacy Notice',
      intro:
        'This notice explains which personal data we process when you use Kanal Aduan (WhatsApp, Telegram or the web chat), what for, how long it is kept, and how to use your rights under Law No. 27 of 2022 on Personal Data Protection.',
      controllerTitle: 'Data controller',
      controller: (name: string) => `The controller of your personal data in this service is *${name}*.`,
      recipients: (names: string) => `Your reports go only to the agencies responsible for handling them: ${names}.`,
      purposesTitle: 'What your data is used for',
      purposes: [
        'Receiving, verifying and forwarding your reports to the responsible agency.',
        'Telling you how your reports progress and answering your questions in the same chat.',
        'Service statistics; statistics hold figures only, no names.',
      ],
      heldTitle: 'The data we keep',
      held: [
        'Your chat identity: WhatsApp number or Telegram account, and the display name the app gives.',
        'The messages, photos and locations you send.',
        'Your name and NIK if you give them in a report. The NIK is stored encrypted and only shown masked.',
        'Your reports: kind, category, description, location, status and how they were handled.',
      ],
      retentionTitle: 'How long it is kept',
      retention: (r: { messageDays: string; draftDays: string; mediaDays: string; closedCaseDays: string }) => [
        `Chat message texts: ${r.messageDays}.`,
        `Reports left unfinished: ${r.draftDays}.`,
        `Photos: ${r.mediaDays}.`,
        `Personal data in closed reports: ${r.closedCaseDays} after closing. After that a report keeps only data without identity, for statistics.`,
      ],
      days: (count: number) => (count % 365 === 0 ? `${count / 365} year${count === 365 ? '' : 's'}` : `${count} days`),
      rightsTitle: 'Your rights and how to use them',
      rights: [
        'See your data: type *my data* in the chat.',
        'Delete your data: type *delete my data* in the chat, then confirm. Your name, NIK, phone number, address, messages and photos are deleted; your reports stay without personal data, for statistics.',
        'Correct your data or object: type *staff* in the chat, or contact us (see Contact).',
        'Stop broadcast messages: type *stop*.',
      ],
      contactTitle: 'Contact',
      contact: (contact: string) => `Questions about your personal data: ${contact}.`,
      inChat: (hours: string) => `Or type *staff* in the chat; staff answer during ${hours}.`,
      otherLanguage: { label: 'Baca dalam Bahasa Indonesia', path: '/privasi' },
    },
  },

  date: (day: number, month: number, year: number) => `${day} ${months[month - 1]} ${year}`,
  weekdays: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
  time: (hour: number, minute: number) => `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`,
};
