// Every label and message of the dashboards, in English and Russian, and the date formats of
// each language. Times are always shown in an explicit IANA time zone (the agency's own, or the
// one an item names), never the browser's.

const messages = {
  en: {
    appName: 'Coordination',
    skipToContent: 'Skip to content',
    language: 'Language',
    sound: 'Sound',
    signOut: 'Sign out',
    dashboards: 'Dashboards',
    newAlerts: 'New alerts',
    dismiss: 'Dismiss',
    loading: 'Loading…',
    retry: 'Retry',
    back: 'Back to the dashboard',
    none: '—',
    yes: 'Yes',
    no: 'No',

    'connection.connecting': 'Connecting…',
    'connection.connected': 'Live',
    'connection.reconnecting': 'Reconnecting…',
    'connection.offline': 'Offline',

    'signin.title': 'Sign in',
    'signin.intro': 'Sign in with the account your agency administrator gave you.',
    'signin.username': 'Username',
    'signin.password': 'Password',
    'signin.submit': 'Sign in',
    'signin.invalid': 'The username or password is wrong.',
    'signin.expired': 'Your session has ended. Please sign in again.',

    'view.consular': 'Consular post',
    'view.ngo': 'Receiving agency',
    'view.committee': 'Committee',
    'view.none': 'No dashboard',
    'view.none.text': 'This account has no agency dashboard. Agencies and users are managed through the API.',
    'committee.title': 'Committee dashboard',
    'committee.plan.title': 'Action plan',
    'committee.plan.empty': 'The action plan has no tasks yet.',
    'committee.task.owner': 'Owner: {owner}',
    'committee.task.due': 'Due {date}',
    'committee.task.overdue': 'Overdue by {days} d',
    'committee.task.indicator': '{name}: {value} of {target} {unit}',
    'committee.overdue.title': 'Overdue tasks',
    'committee.overdue.none': 'No task is overdue.',
    'committee.period.from': 'From',
    'committee.period.to': 'To (exclusive)',
    'committee.period.show': 'Show period',
    'committee.report.title': 'Monitoring report',
    'committee.report.printable': 'Printable report',
    'committee.report.failed': 'The printable report could not be opened.',
    'committee.report.asOf': 'Period {from} – {to}; tasks completed in the period: {completed}.',
    'committee.report.byArea': 'Tasks by area and status',
    'committee.report.area': 'Area',
    'committee.report.allAreas': 'All areas',
    'committee.report.total': 'Total',
    'committee.report.overdue': 'Overdue',
    'committee.report.indicators': 'Indicators',
    'committee.report.task': 'Task',
    'committee.report.owner': 'Owner',
    'committee.report.status': 'Status',
    'committee.report.value': 'Value',
    'committee.report.target': 'Target',
    'committee.report.met': 'Met',
    'committee.report.overdueTasks': 'Overdue tasks at the end of the period',
    'committee.report.due': 'Due date',
    'committee.report.daysOverdue': 'Days overdue',
    'committee.report.nothing': 'Nothing to show.',
    'committee.stats.title': 'Case statistics',
    'committee.stats.country': 'Citizens of {country}, the same period.',
    'committee.stats.persons': 'Persons',
    'committee.stats.cases': 'Cases',
    'committee.stats.measure': 'Measure',
    'committee.stats.count': 'Number',
    'committee.stats.total': 'Total',
    'committee.stats.minors': 'Minors',
    'committee.stats.female': 'Female',
    'committee.stats.male': 'Male',
    'committee.stats.open': 'Open',
    'committee.stats.closed': 'Closed',
    'committee.stats.withdrawn': 'Withdrawn',
    'committee.stats.reopened': 'Reopened',
    'committee.stats.funnel': 'Funnel (cases)',
    'committee.stats.median': 'Median days from flagged to arrived: {days}',
    'committee.stats.suppressed': '{mark}: too few to publish without risk of identifying someone, or enough to work such a count out.',
    'committee.funnel.flagged': 'Flagged',
    'committee.funnel.referred': 'Referred',
    'committee.funnel.returned': 'Returned',
    'committee.funnel.received': 'Received',
    'committee.funnel.sheltered': 'Sheltered',
    'committee.funnel.reintegrated': 'Reintegrated',

    'feed.title': 'Alerts and tasks',
    'feed.empty': 'Nothing here yet.',
    'feed.ack': 'Acknowledge',
    'feed.acknowledged': 'Acknowledged by {by}, {at}',
    'feed.ackBy': 'Acknowledge by {at}',
    'feed.overdue': 'Overdue',
    'feed.openCase': 'Open case {id}',
    'feed.new': 'New: {summary}',

    'cases.title': 'Open cases',
    'cases.ours': 'Our cases',
    'cases.empty': 'No open cases.',
    'cases.flaggedAt': 'Flagged {at}',
    'cases.refresh': 'Refresh',

    'flag.title': 'Flag a citizen',
    'flag.intro': 'Fields marked * are required. The receiving agency sees only the case number, never the name, passport or phone.',
    'flag.person': 'Person',
    'flag.fullName': 'Full name *',
    'flag.sex': 'Sex *',
    'flag.birthYear': 'Year of birth *',
    'flag.citizenship': 'Citizenship *',
    'flag.passportNumber': 'Passport number',
    'flag.phone': 'Phone',
    'flag.where': 'Where and what',
    'flag.currentCountry': 'Country where the person is now *',
    'flag.location': 'Location *',
    'flag.situation': 'Situation *',
    'flag.exploitationType': 'Type of exploitation *',
    'flag.homeRegion': 'Home region *',
    'flag.needs': 'Needs',
    'flag.urgency': 'Urgency *',
    'flag.reportedBy': 'Reported by',
    'flag.consentGroup': 'Consent',
    'flag.consent': 'Has the person given consent? *',
    'flag.consentGiven': 'The person consents to referral and return',
    'flag.consentRefused': 'The person does not consent',
    'flag.consentScope': 'Scope of consent',
    'flag.submit': 'Flag citizen',
    'flag.choose': 'Choose…',
    'flag.created': 'Case {id} flagged.',
    'flag.referredTo': 'Referred to {agency}.',
    'flag.noReceiver': 'No receiving agency matched yet; the post has been alerted.',
    'form.fix': 'Please correct the fields marked below.',
    'hint.country': 'Two capital letters, e.g. KG',
    'hint.passport': '5–20 capital letters and digits',

    'case.title': 'Case {id}',
    'case.status': 'Status',
    'case.person': 'Person',
    'case.minor': 'minor',
    'case.age': 'age {age}',
    'case.location': 'Location',
    'case.situation': 'Situation',
    'case.exploitation': 'Exploitation',
    'case.needs': 'Needs',
    'case.urgency': 'Urgency',
    'case.homeRegion': 'Home region',
    'case.consent': 'Consent',
    'case.flaggedBy': 'Flagged by',
    'case.referrals': 'Referrals',
    'case.noReferrals': 'No referrals yet.',
    'case.referralTo': 'To {agency}',
    'case.travel': 'Travel',
    'case.noTravel': 'No travel booked.',
    'case.timeline': 'Timeline',
    'case.notFound': 'This case does not exist or is not visible to your agency.',
    'case.by': '{user}, {agency}',
    'case.passport': 'Passport',
    'case.phone': 'Phone',
    'case.pickup': 'Met at arrival by',
    'case.flight': 'Flight',
    'case.arrival': 'Scheduled arrival',
    'case.escort': 'Escort',
    'case.document': 'Travel document',

    'referral.accept': 'Accept',
    'referral.decline': 'Decline',
    'referral.reason': 'Reason for declining *',
    'referral.confirmDecline': 'Decline referral',
    'referral.cancel': 'Cancel',
    'referral.accepted': 'Referral of {id} accepted.',
    'referral.declined': 'Referral of {id} declined.',
    'referral.services': 'Services: {services}',

    'travel.title': 'Book travel',
    'travel.flightNumber': 'Flight number *',
    'travel.departureAirport': 'Departure airport *',
    'travel.arrivalAirport': 'Arrival airport *',
    'travel.scheduledArrival': 'Scheduled arrival (local time) *',
    'travel.timeZone': 'Time zone of the arrival time',
    'travel.escort': 'Escort *',
    'travel.travelDocument': 'Travel document *',
    'travel.submit': 'Book travel',
    'travel.booked': 'Travel booked for {id}.',
    'travel.flight': 'Flight {flight}, {from} → {to}',
    'travel.arrives': 'Arrives {at}',
    'hint.airport': 'IATA code, e.g. FRU',
    'hint.flight': 'e.g. TK 345',

    'ngo.referrals': 'Incoming referrals',
    'ngo.noReferrals': 'No referrals.',
    'ngo.arrivals': 'Arrivals board',
    'ngo.noArrivals': 'No arrivals expected.',
    'ngo.arrivalAt': 'Arrives {at}',
    'ngo.timeZoneNote': 'Times in {zone}',
    'ngo.activity': 'Other alerts',

    'error.required': 'Required.',
    'error.number': 'A whole number.',
    'error.yearRange': 'A year between {min} and {max}.',
    'error.country': 'Two capital letters, an ISO 3166-1 country code, e.g. KG.',
    'error.airport': 'Three capital letters, an IATA airport code, e.g. FRU.',
    'error.sameAirport': 'Must differ from the departure airport.',
    'error.passport': '5–20 capital letters and digits.',
    'error.phone': "A phone number: digits, spaces, '+', '-', '(' and ')'.",
    'error.flight': 'A flight number such as TK 345 or KC912.',
    'error.tooLong': 'At most {max} characters.',
    'error.dateTime': 'A date and time.',
    'error.network': 'The server could not be reached. Nothing was lost; try again.',
    'error.server': 'The request failed: {detail}',
    'error.forbidden': 'Your role may not do this.',
    'error.conflict': 'Not possible now: {detail}',
    'error.unavailable': 'The service is temporarily unavailable. Nothing was changed; try again.',
  },
  ru: {
    appName: 'Координация',
    skipToContent: 'Перейти к содержанию',
    language: 'Язык',
    sound: 'Звук',
    signOut: 'Выйти',
    dashboards: 'Панели',
    newAlerts: 'Новые оповещения',
    dismiss: 'Закрыть',
    loading: 'Загрузка…',
    retry: 'Повторить',
    back: 'Назад к панели',
    none: '—',
    yes: 'Да',
    no: 'Нет',

    'connection.connecting': 'Подключение…',
    'connection.connected': 'На связи',
    'connection.reconnecting': 'Переподключение…',
    'connection.offline': 'Нет связи',

    'signin.title': 'Вход',
    'signin.intro': 'Войдите с учётной записью, выданной администратором вашей организации.',
    'signin.username': 'Имя пользователя',
    'signin.password': 'Пароль',
    'signin.submit': 'Войти',
    'signin.invalid': 'Неверное имя пользователя или пароль.',
    'signin.expired': 'Сеанс завершён. Войдите снова.',

    'view.consular': 'Консульство',
    'view.ngo': 'Принимающая организация',
    'view.committee': 'Комиссия',
    'view.none': 'Нет панели',
    'view.none.text': 'У этой учётной записи нет панели организации. Организации и пользователи управляются через API.',
    'committee.title': 'Панель комиссии',
    'committee.plan.title': 'План действий',
    'committee.plan.empty': 'В плане действий пока нет задач.',
    'committee.task.owner': 'Ответственный: {owner}',
    'committee.task.due': 'Срок {date}',
    'committee.task.overdue': 'Просрочено на {days} дн.',
    'committee.task.indicator': '{name}: {value} из {target} {unit}',
    'committee.overdue.title': 'Просроченные задачи',
    'committee.overdue.none': 'Просроченных задач нет.',
    'committee.period.from': 'С',
    'committee.period.to': 'По (не включая)',
    'committee.period.show': 'Показать период',
    'committee.report.title': 'Отчёт о мониторинге',
    'committee.report.printable': 'Версия для печати',
    'committee.report.failed': 'Не удалось открыть версию для печати.',
    'committee.report.asOf': 'Период {from} – {to}; задач выполнено за период: {completed}.',
    'committee.report.byArea': 'Задачи по направлениям и статусам',
    'committee.report.area': 'Направление',
    'committee.report.allAreas': 'Все направления',
    'committee.report.total': 'Всего',
    'committee.report.overdue': 'Просрочено',
    'committee.report.indicators': 'Индикаторы',
    'committee.report.task': 'Задача',
    'committee.report.owner': 'Ответственный',
    'committee.report.status': 'Статус',
    'committee.report.value': 'Значение',
    'committee.report.target': 'Цель',
    'committee.report.met': 'Достигнуто',
    'committee.report.overdueTasks': 'Просроченные задачи на конец периода',
    'committee.report.due': 'Срок',
    'committee.report.daysOverdue': 'Дней просрочки',
    'committee.report.nothing': 'Нет данных.',
    'committee.stats.title': 'Статистика дел',
    'committee.stats.country': 'Граждане страны {country}, тот же период.',
    'committee.stats.persons': 'Лица',
    'committee.stats.cases': 'Дела',
    'committee.stats.measure': 'Показатель',
    'committee.stats.count': 'Число',
    'committee.stats.total': 'Всего',
    'committee.stats.minors': 'Несовершеннолетние',
    'committee.stats.female': 'Женщины',
    'committee.stats.male': 'Мужчины',
    'committee.stats.open': 'Открыто',
    'committee.stats.closed': 'Закрыто',
    'committee.stats.withdrawn': 'Отозвано',
    'committee.stats.reopened': 'Открыто повторно',
    'committee.stats.funnel': 'Воронка (дела)',
    'committee.stats.median': 'Медиана дней от открытия до прибытия: {days}',
    'committee.stats.suppressed': '{mark}: слишком мало, чтобы публиковать без риска узнать человека, или можно вычислить такое число.',
    'committee.funnel.flagged': 'Открыто',
    'committee.funnel.referred': 'Направлено',
    'committee.funnel.returned': 'Возвращено',
    'committee.funnel.received': 'Принято',
    'committee.funnel.sheltered': 'В приюте',
    'committee.funnel.reintegrated': 'Реинтегрировано',

    'feed.title': 'Оповещения и задачи',
    'feed.empty': 'Пока ничего нет.',
    'feed.ack': 'Подтвердить',
    'feed.acknowledged': 'Подтверждено: {by}, {at}',
    'feed.ackBy': 'Подтвердить до {at}',
    'feed.overdue': 'Просрочено',
    'feed.openCase': 'Открыть дело {id}',
    'feed.new': 'Новое: {summary}',

    'cases.title': 'Открытые дела',
    'cases.ours': 'Наши дела',
    'cases.empty': 'Открытых дел нет.',
    'cases.flaggedAt': 'Открыто {at}',
    'cases.refresh': 'Обновить',

    'flag.title': 'Сообщить о гражданине',
    'flag.intro': 'Поля со знаком * обязательны. Принимающая организация видит только номер дела, но не имя, паспорт или телефон.',
    'flag.person': 'Лицо',
    'flag.fullName': 'Полное имя *',
    'flag.sex': 'Пол *',
    'flag.birthYear': 'Год рождения *',
    'flag.citizenship': 'Гражданство *',
    'flag.passportNumber': 'Номер паспорта',
    'flag.phone': 'Телефон',
    'flag.where': 'Где и что',
    'flag.currentCountry': 'Страна нахождения *',
    'flag.location': 'Место нахождения *',
    'flag.situation': 'Положение *',
    'flag.exploitationType': 'Вид эксплуатации *',
    'flag.homeRegion': 'Регион проживания *',
    'flag.needs': 'Потребности',
    'flag.urgency': 'Срочность *',
    'flag.reportedBy': 'Кто сообщил',
    'flag.consentGroup': 'Согласие',
    'flag.consent': 'Дало ли лицо согласие? *',
    'flag.consentGiven': 'Лицо согласно на направление и возвращение',
    'flag.consentRefused': 'Лицо не даёт согласия',
    'flag.consentScope': 'Объём согласия',
    'flag.submit': 'Открыть дело',
    'flag.choose': 'Выберите…',
    'flag.created': 'Дело {id} открыто.',
    'flag.referredTo': 'Направлено в {agency}.',
    'flag.noReceiver': 'Принимающая организация пока не найдена; консульство оповещено.',
    'form.fix': 'Исправьте отмеченные ниже поля.',
    'hint.country': 'Две заглавные буквы, напр. KG',
    'hint.passport': '5–20 заглавных букв и цифр',

    'case.title': 'Дело {id}',
    'case.status': 'Статус',
    'case.person': 'Лицо',
    'case.minor': 'несовершеннолетний',
    'case.age': 'возраст {age}',
    'case.location': 'Место нахождения',
    'case.situation': 'Положение',
    'case.exploitation': 'Эксплуатация',
    'case.needs': 'Потребности',
    'case.urgency': 'Срочность',
    'case.homeRegion': 'Регион проживания',
    'case.consent': 'Согласие',
    'case.flaggedBy': 'Открыто',
    'case.referrals': 'Направления',
    'case.noReferrals': 'Направлений пока нет.',
    'case.referralTo': 'В {agency}',
    'case.travel': 'Поездка',
    'case.noTravel': 'Поездка не забронирована.',
    'case.timeline': 'Хронология',
    'case.notFound': 'Дело не существует или недоступно вашей организации.',
    'case.by': '{user}, {agency}',
    'case.passport': 'Паспорт',
    'case.phone': 'Телефон',
    'case.pickup': 'Встречает',
    'case.flight': 'Рейс',
    'case.arrival': 'Прибытие по расписанию',
    'case.escort': 'Сопровождение',
    'case.document': 'Проездной документ',

    'referral.accept': 'Принять',
    'referral.decline': 'Отклонить',
    'referral.reason': 'Причина отказа *',
    'referral.confirmDecline': 'Отклонить направление',
    'referral.cancel': 'Отмена',
    'referral.accepted': 'Направление по делу {id} принято.',
    'referral.declined': 'Направление по делу {id} отклонено.',
    'referral.services': 'Услуги: {services}',

    'travel.title': 'Забронировать поездку',
    'travel.flightNumber': 'Номер рейса *',
    'travel.departureAirport': 'Аэропорт вылета *',
    'travel.arrivalAirport': 'Аэропорт прибытия *',
    'travel.scheduledArrival': 'Время прибытия (местное) *',
    'travel.timeZone': 'Часовой пояс времени прибытия',
    'travel.escort': 'Сопровождение *',
    'travel.travelDocument': 'Проездной документ *',
    'travel.submit': 'Забронировать',
    'travel.booked': 'Поездка по делу {id} забронирована.',
    'travel.flight': 'Рейс {flight}, {from} → {to}',
    'travel.arrives': 'Прибытие {at}',
    'hint.airport': 'Код IATA, напр. FRU',
    'hint.flight': 'напр. TK 345',

    'ngo.referrals': 'Входящие направления',
    'ngo.noReferrals': 'Направлений нет.',
    'ngo.arrivals': 'Табло прибытия',
    'ngo.noArrivals': 'Прибытий не ожидается.',
    'ngo.arrivalAt': 'Прибытие {at}',
    'ngo.timeZoneNote': 'Время: {zone}',
    'ngo.activity': 'Прочие оповещения',

    'error.required': 'Обязательное поле.',
    'error.number': 'Целое число.',
    'error.yearRange': 'Год от {min} до {max}.',
    'error.country': 'Две заглавные буквы — код страны ISO 3166-1, напр. KG.',
    'error.airport': 'Три заглавные буквы — код аэропорта IATA, напр. FRU.',
    'error.sameAirport': 'Должен отличаться от аэропорта вылета.',
    'error.passport': '5–20 заглавных латинских букв и цифр.',
    'error.phone': "Номер телефона: цифры, пробелы, '+', '-', '(' и ')'.",
    'error.flight': 'Номер рейса, например TK 345 или KC912.',
    'error.tooLong': 'Не более {max} символов.',
    'error.dateTime': 'Дата и время.',
    'error.network': 'Сервер недоступен. Введённые данные сохранены; попробуйте ещё раз.',
    'error.server': 'Запрос не выполнен: {detail}',
    'error.forbidden': 'Ваша роль не позволяет это действие.',
    'error.conflict': 'Сейчас невозможно: {detail}',
    'error.unavailable': 'Сервис временно недоступен. Ничего не изменено; попробуйте ещё раз.',
  },
};

// Names of the contract's enum values (api.md), per language.
const enums = {
  en: {
    ActionPlanArea: { Prevention: 'Prevention', Protection: 'Protection', Prosecution: 'Prosecution', Partnership: 'Partnership', Coordination: 'Coordination' },
    ActionPlanTaskStatus: { NotStarted: 'Not started', InProgress: 'In progress', Done: 'Done', Blocked: 'Blocked' },
    CaseStatus: {
      Flagged: 'Flagged', Verified: 'Verified', DocumentsIssued: 'Documents issued', TravelBooked: 'Travel booked',
      InTransit: 'In transit', Arrived: 'Arrived', ReceivedByAgency: 'Received by agency', Sheltered: 'Sheltered',
      Rehabilitation: 'Rehabilitation', Reintegration: 'Reintegration', Closed: 'Closed', Withdrawn: 'Withdrawn',
    },
    Sex: { F: 'Female', M: 'Male', X: 'Not stated' },
    Situation: {
      Detained: 'Detained', Shelter: 'In a shelter', Hospital: 'In hospital', WithEmployer: 'With the employer',
      Hiding: 'Hiding', Unknown: 'Unknown',
    },
    ExploitationType: {
      Sexual: 'Sexual', Labour: 'Labour', Domestic: 'Domestic servitude', ForcedMarriage: 'Forced marriage',
      Begging: 'Forced begging', Other: 'Other', Unknown: 'Unknown',
    },
    Need: {
      Shelter: 'Shelter', Legal: 'Legal aid', Medical: 'Medical aid', Psychological: 'Psychological aid',
      TravelDocuments: 'Travel documents', Reintegration: 'Reintegration', Escort: 'Escort',
    },
    AgencyService: {
      Shelter: 'Shelter', ShelterMinors: 'Shelter for minors', Legal: 'Legal aid', Medical: 'Medical aid',
      Psychological: 'Psychological aid', Reintegration: 'Reintegration', Escort: 'Escort',
    },
    Urgency: { Routine: 'Routine', Urgent: 'Urgent', Critical: 'Critical' },
    ReportedBy: { Self: 'The person', Family: 'Family', Ngo: 'An NGO', Police: 'Police', Consulate: 'Consulate', Other: 'Other' },
    ReferralStatus: { Pending: 'Awaiting answer', Accepted: 'Accepted', Declined: 'Declined' },
    FeedItemType: {
      ReferralReceived: 'Referral received', ReferralAccepted: 'Referral accepted', ReferralDeclined: 'Referral declined',
      PickupRequested: 'Pickup requested', CaseUpdated: 'Case updated', NoReceivingAgency: 'No receiving agency',
      AckOverdue: 'Acknowledgement overdue', TaskAssigned: 'Task assigned', TaskUpdated: 'Task updated', TaskOverdue: 'Task overdue',
    },
    CaseEventType: {
      Flagged: 'Flagged', Referred: 'Referred', ReferralAccepted: 'Referral accepted', ReferralDeclined: 'Referral declined',
      NoReceivingAgency: 'No receiving agency', TravelBooked: 'Travel booked', Verified: 'Verified',
      DocumentsIssued: 'Documents issued', Departed: 'Departed', Arrived: 'Arrived', ReceivedByAgency: 'Received by agency',
      Sheltered: 'Sheltered', RehabilitationStarted: 'Rehabilitation started', ReintegrationStarted: 'Reintegration started',
      Closed: 'Closed', Withdrawn: 'Withdrawn', Reopened: 'Reopened', ConsentWithdrawn: 'Consent withdrawn',
    },
  },
  ru: {
    ActionPlanArea: { Prevention: 'Предупреждение', Protection: 'Защита', Prosecution: 'Уголовное преследование', Partnership: 'Партнёрство', Coordination: 'Координация' },
    ActionPlanTaskStatus: { NotStarted: 'Не начата', InProgress: 'В работе', Done: 'Выполнена', Blocked: 'Заблокирована' },
    CaseStatus: {
      Flagged: 'Открыто', Verified: 'Проверено', DocumentsIssued: 'Документы выданы', TravelBooked: 'Поездка забронирована',
      InTransit: 'В пути', Arrived: 'Прибыл(а)', ReceivedByAgency: 'Принят(а) организацией', Sheltered: 'В приюте',
      Rehabilitation: 'Реабилитация', Reintegration: 'Реинтеграция', Closed: 'Закрыто', Withdrawn: 'Отозвано',
    },
    Sex: { F: 'Женский', M: 'Мужской', X: 'Не указан' },
    Situation: {
      Detained: 'Задержан(а)', Shelter: 'В приюте', Hospital: 'В больнице', WithEmployer: 'У работодателя',
      Hiding: 'Скрывается', Unknown: 'Неизвестно',
    },
    ExploitationType: {
      Sexual: 'Сексуальная', Labour: 'Трудовая', Domestic: 'Домашнее рабство', ForcedMarriage: 'Принудительный брак',
      Begging: 'Принудительное попрошайничество', Other: 'Другое', Unknown: 'Неизвестно',
    },
    Need: {
      Shelter: 'Приют', Legal: 'Юридическая помощь', Medical: 'Медицинская помощь', Psychological: 'Психологическая помощь',
      TravelDocuments: 'Проездные документы', Reintegration: 'Реинтеграция', Escort: 'Сопровождение',
    },
    AgencyService: {
      Shelter: 'Приют', ShelterMinors: 'Приют для несовершеннолетних', Legal: 'Юридическая помощь', Medical: 'Медицинская помощь',
      Psychological: 'Психологическая помощь', Reintegration: 'Реинтеграция', Escort: 'Сопровождение',
    },
    Urgency: { Routine: 'Обычная', Urgent: 'Срочная', Critical: 'Критическая' },
    ReportedBy: { Self: 'Само лицо', Family: 'Семья', Ngo: 'НПО', Police: 'Полиция', Consulate: 'Консульство', Other: 'Другое' },
    ReferralStatus: { Pending: 'Ожидает ответа', Accepted: 'Принято', Declined: 'Отклонено' },
    FeedItemType: {
      ReferralReceived: 'Получено направление', ReferralAccepted: 'Направление принято', ReferralDeclined: 'Направление отклонено',
      PickupRequested: 'Запрос на встречу', CaseUpdated: 'Дело обновлено', NoReceivingAgency: 'Нет принимающей организации',
      AckOverdue: 'Подтверждение просрочено', TaskAssigned: 'Назначена задача', TaskUpdated: 'Задача обновлена', TaskOverdue: 'Задача просрочена',
    },
    CaseEventType: {
      Flagged: 'Дело открыто', Referred: 'Направлено', ReferralAccepted: 'Направление принято', ReferralDeclined: 'Направление отклонено',
      NoReceivingAgency: 'Нет принимающей организации', TravelBooked: 'Поездка забронирована', Verified: 'Проверено',
      DocumentsIssued: 'Документы выданы', Departed: 'Вылет', Arrived: 'Прибытие', ReceivedByAgency: 'Принят(а) организацией',
      Sheltered: 'Размещён(а) в приюте', RehabilitationStarted: 'Начата реабилитация', ReintegrationStarted: 'Начата реинтеграция',
      Closed: 'Закрыто', Withdrawn: 'Отозвано', Reopened: 'Открыто повторно', ConsentWithdrawn: 'Согласие отозвано',
    },
  },
};

// Server validation messages that have a translation; anything else is shown as the server wrote it.
const serverMessages = { 'Required.': 'error.required' };

export const languages = ['en', 'ru'];
let current = 'en';

export function language() {
  return current;
}

export function setLanguage(lang) {
  current = languages.includes(lang) ? lang : 'en';
  document.documentElement.lang = current;
  for (const el of document.querySelectorAll('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n);
  }
}

/** The message for <paramref name="key"/> with {placeholders} filled from <paramref name="args"/>. */
export function t(key, args = {}) {
  const text = messages[current][key] ?? messages.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in args ? String(args[name]) : `{${name}}`));
}

/** The name of an enum value of the contract, e.g. e('CaseStatus', 'TravelBooked'). */
export function e(type, value) {
  if (value === null || value === undefined || value === '') {
    return t('none');
  }
  return enums[current][type]?.[value] ?? enums.en[type]?.[value] ?? String(value);
}

export function enumValues(type) {
  return Object.keys(enums.en[type]);
}

export function serverMessage(text) {
  return serverMessages[text] ? t(serverMessages[text]) : text;
}

function locale() {
  return current === 'ru' ? 'ru-RU' : 'en-GB';
}

/** A UTC instant as date and time in the given IANA time zone, in the current language. */
export function dateTime(iso, timeZone, { zoneName = false } = {}) {
  if (!iso) {
    return t('none');
  }
  const options = { dateStyle: 'medium', timeStyle: 'short', timeZone: timeZone || 'UTC' };
  const text = new Intl.DateTimeFormat(locale(), options).format(new Date(iso));
  return zoneName ? `${text} (${timeZone || 'UTC'})` : text;
}

export function country(code) {
  if (!code) {
    return t('none');
  }
  try {
    return new Intl.DisplayNames([locale()], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function list(values) {
  return new Intl.ListFormat(locale(), { style: 'short', type: 'conjunction' }).format(values);
}
