//! The customer pages' words in every supported language: English, Italian, French, Spanish and
//! Vietnamese. Each key carries all five texts (the array type makes a missing one a compile
//! error; a test checks none is empty and that every key the templates use exists).
//!
//! The language is the customer's choice (`?lang=`, then the `fd_lang` cookie), else the
//! customer's own language on their booking, else the browser's `Accept-Language`, else the
//! business's default.

/// Languages, in the order of the texts below.
pub const LANGS: [&str; 5] = ["en", "it", "fr", "es", "vi"];

/// Each language's own name.
pub const LANG_NAMES: [&str; 5] = ["English", "Italiano", "Français", "Español", "Tiếng Việt"];

/// `{placeholders}` are filled by [`Tr::f`]. One key per line with its five texts, so a
/// translation is read and reviewed side by side (hence no rustfmt here).
#[rustfmt::skip]
pub const MESSAGES: &[(&str, [&str; 5])] = &[
    ("book_online", ["Book online", "Prenota online", "Réserver en ligne", "Reserva online", "Đặt lịch trực tuyến"]),
    ("skip", ["Skip to content", "Vai al contenuto", "Aller au contenu", "Ir al contenido", "Chuyển đến nội dung"]),
    ("language", ["Language", "Lingua", "Langue", "Idioma", "Ngôn ngữ"]),
    ("step_of", ["Step {n} of 3", "Passo {n} di 3", "Étape {n} sur 3", "Paso {n} de 3", "Bước {n}/3"]),
    ("change", ["Change", "Modifica", "Modifier", "Cambiar", "Thay đổi"]),
    ("back", ["Back", "Indietro", "Retour", "Atrás", "Quay lại"]),
    ("choose_time", ["Choose a time", "Scegli l’orario", "Choisir l’heure", "Elegir la hora", "Chọn giờ"]),
    ("what_title", ["What would you like to book?", "Cosa vuoi prenotare?", "Que souhaitez-vous réserver ?", "¿Qué quieres reservar?", "Bạn muốn đặt dịch vụ nào?"]),
    ("services_legend", ["Services", "Servizi", "Prestations", "Servicios", "Dịch vụ"]),
    ("services_hint", ["Choose one or more.", "Scegline uno o più.", "Choisissez-en une ou plusieurs.", "Elige uno o varios.", "Chọn một hoặc nhiều dịch vụ."]),
    ("minutes", ["{n} min", "{n} min", "{n} min", "{n} min", "{n} phút"]),
    ("with_label", ["With", "Con", "Avec", "Con", "Với"]),
    ("anyone", ["Anyone available", "Chiunque sia libero", "Peu importe", "Cualquiera disponible", "Bất kỳ ai đang rảnh"]),
    ("party_title", ["How many guests?", "Quante persone?", "Combien de personnes ?", "¿Cuántas personas?", "Bao nhiêu khách?"]),
    ("party_label", ["Guests", "Persone", "Personnes", "Personas", "Số khách"]),
    ("requirements_legend", ["Anything we should prepare?", "Ti serve qualcosa in particolare?", "Un besoin particulier ?", "¿Necesitas algo especial?", "Bạn có yêu cầu đặc biệt?"]),
    ("req_accessible", ["Step-free access", "Accesso senza barriere", "Accès sans marche", "Acceso sin escalones", "Lối đi cho xe lăn"]),
    ("req_pets", ["With a pet", "Con un animale", "Avec un animal", "Con mascota", "Có thú cưng"]),
    ("req_stroller", ["With a stroller", "Con un passeggino", "Avec une poussette", "Con carrito de bebé", "Có xe đẩy em bé"]),
    ("req_high_chair", ["High chair", "Seggiolone", "Chaise haute", "Trona", "Ghế ăn cho bé"]),
    ("req_window", ["By the window", "Vicino alla finestra", "Près de la fenêtre", "Junto a la ventana", "Gần cửa sổ"]),
    ("req_quiet", ["Quiet spot", "Posto tranquillo", "Coin calme", "Zona tranquila", "Chỗ yên tĩnh"]),
    ("req_outdoor", ["Outdoors", "All’aperto", "En extérieur", "Al aire libre", "Ngoài trời"]),
    ("req_booth", ["Booth", "Séparé", "Banquette", "Reservado", "Bàn riêng"]),
    ("no_services", ["Online booking is not open here yet. Please call us.", "La prenotazione online non è ancora aperta. Chiamaci.", "La réservation en ligne n’est pas encore ouverte. Appelez-nous.", "La reserva online aún no está abierta. Llámanos.", "Chưa thể đặt lịch trực tuyến tại đây. Vui lòng gọi cho chúng tôi."]),
    ("when_title", ["When?", "Quando?", "Quand ?", "¿Cuándo?", "Khi nào?"]),
    ("days_label", ["Days with free times", "Giorni con orari liberi", "Jours avec des créneaux libres", "Días con horas libres", "Ngày còn giờ trống"]),
    ("earlier", ["Earlier", "Prima", "Plus tôt", "Antes", "Sớm hơn"]),
    ("later", ["Later", "Dopo", "Plus tard", "Después", "Muộn hơn"]),
    ("times_on", ["Free times on {date}", "Orari liberi {date}", "Créneaux libres le {date}", "Horas libres el {date}", "Giờ trống {date}"]),
    ("no_times_day", ["No free times on this day.", "Nessun orario libero in questo giorno.", "Aucun créneau libre ce jour-là.", "No hay horas libres este día.", "Không còn giờ trống trong ngày này."]),
    ("no_times", ["No free times in these two weeks. Try later days.", "Nessun orario libero in queste due settimane. Prova più avanti.", "Aucun créneau libre ces deux semaines. Essayez plus tard.", "No hay horas libres en estas dos semanas. Prueba más adelante.", "Không còn giờ trống trong hai tuần này. Hãy thử những ngày sau."]),
    ("zone_note", ["Times are local time ({zone}).", "Gli orari sono nell’ora locale ({zone}).", "Les heures sont en heure locale ({zone}).", "Las horas son locales ({zone}).", "Giờ theo giờ địa phương ({zone})."]),
    ("wd1", ["Mon", "Lun", "Lun", "Lun", "T2"]),
    ("wd2", ["Tue", "Mar", "Mar", "Mar", "T3"]),
    ("wd3", ["Wed", "Mer", "Mer", "Mié", "T4"]),
    ("wd4", ["Thu", "Gio", "Jeu", "Jue", "T5"]),
    ("wd5", ["Fri", "Ven", "Ven", "Vie", "T6"]),
    ("wd6", ["Sat", "Sab", "Sam", "Sáb", "T7"]),
    ("wd7", ["Sun", "Dom", "Dim", "Dom", "CN"]),
    ("details_title", ["Your details", "I tuoi dati", "Vos coordonnées", "Tus datos", "Thông tin của bạn"]),
    ("summary_title", ["Your booking", "La tua prenotazione", "Votre réservation", "Tu reserva", "Lịch hẹn của bạn"]),
    ("summary_what", ["What", "Cosa", "Quoi", "Qué", "Dịch vụ"]),
    ("summary_with", ["With", "Con", "Avec", "Con", "Nhân viên"]),
    ("summary_when", ["When", "Quando", "Quand", "Cuándo", "Thời gian"]),
    ("summary_where", ["Where", "Dove", "Où", "Dónde", "Địa điểm"]),
    ("summary_guests", ["Guests", "Persone", "Personnes", "Personas", "Số khách"]),
    ("summary_price", ["Price", "Prezzo", "Prix", "Precio", "Giá"]),
    ("summary_tables", ["Table", "Tavolo", "Table", "Mesa", "Bàn"]),
    ("name_label", ["Your name", "Nome e cognome", "Votre nom", "Tu nombre", "Họ và tên"]),
    ("phone_label", ["Mobile phone", "Cellulare", "Téléphone mobile", "Teléfono móvil", "Số điện thoại di động"]),
    ("phone_hint", ["We text you a 6-digit code to confirm the booking.", "Ti inviamo un SMS con un codice di 6 cifre per confermare.", "Nous vous envoyons par SMS un code à 6 chiffres pour confirmer.", "Te enviamos por SMS un código de 6 cifras para confirmar.", "Chúng tôi sẽ gửi mã 6 chữ số qua SMS để xác nhận."]),
    ("country_label", ["Country", "Paese", "Pays", "País", "Quốc gia"]),
    ("email_label", ["E-mail", "E-mail", "E-mail", "Correo electrónico", "E-mail"]),
    ("optional", ["optional", "facoltativo", "facultatif", "opcional", "không bắt buộc"]),
    ("notes_label", ["Notes for us", "Note per noi", "Un mot pour nous", "Notas para nosotros", "Ghi chú cho chúng tôi"]),
    ("consents_legend", ["Messages", "Messaggi", "Messages", "Mensajes", "Tin nhắn"]),
    ("marketing_label", ["Send me news and offers from {business}.", "Inviatemi novità e offerte di {business}.", "Envoyez-moi les nouvelles et offres de {business}.", "Enviadme novedades y ofertas de {business}.", "Gửi cho tôi tin tức và ưu đãi của {business}."]),
    ("messaging_label", ["{business} may message me by SMS or chat about my visits.", "{business} può scrivermi via SMS o chat sulle mie visite.", "{business} peut m’écrire par SMS ou messagerie au sujet de mes visites.", "{business} puede escribirme por SMS o chat sobre mis visitas.", "{business} có thể nhắn tin SMS hoặc chat với tôi về các lần hẹn."]),
    ("book_button", ["Book and text me the code", "Prenota e inviami il codice", "Réserver et recevoir le code", "Reservar y recibir el código", "Đặt lịch và gửi mã cho tôi"]),
    ("hold_note", ["The time is held for you while you confirm with the code.", "L’orario resta bloccato per te mentre confermi con il codice.", "Le créneau vous est réservé le temps de confirmer avec le code.", "La hora queda reservada mientras confirmas con el código.", "Giờ này được giữ cho bạn trong lúc xác nhận bằng mã."]),
    ("errors_title", ["Please check the following:", "Controlla questi punti:", "Veuillez vérifier :", "Revisa lo siguiente:", "Vui lòng kiểm tra:"]),
    ("err_name", ["Please enter your name.", "Inserisci il tuo nome.", "Indiquez votre nom.", "Escribe tu nombre.", "Vui lòng nhập họ tên."]),
    ("err_phone", ["Please enter a valid mobile number.", "Inserisci un numero di cellulare valido.", "Indiquez un numéro de mobile valide.", "Escribe un número de móvil válido.", "Vui lòng nhập số di động hợp lệ."]),
    ("err_email", ["Please enter a valid e-mail address, or leave it empty.", "Inserisci un indirizzo e-mail valido o lascia vuoto.", "Indiquez une adresse e-mail valide ou laissez vide.", "Escribe un correo válido o déjalo vacío.", "Vui lòng nhập e-mail hợp lệ hoặc để trống."]),
    ("err_notes", ["Your notes are too long.", "Le note sono troppo lunghe.", "Votre message est trop long.", "Las notas son demasiado largas.", "Ghi chú quá dài."]),
    ("err_start", ["Please choose a time again.", "Scegli di nuovo un orario.", "Choisissez de nouveau une heure.", "Elige de nuevo una hora.", "Vui lòng chọn lại giờ."]),
    ("err_services", ["Please choose a service.", "Scegli un servizio.", "Choisissez une prestation.", "Elige un servicio.", "Vui lòng chọn dịch vụ."]),
    ("err_staff", ["This person does not offer every service chosen: choose someone else, or anyone.", "Questa persona non offre tutti i servizi scelti: scegli qualcun altro o chiunque.", "Cette personne ne propose pas toutes les prestations choisies : choisissez quelqu’un d’autre, ou peu importe.", "Esta persona no ofrece todos los servicios elegidos: elige a otra o a cualquiera.", "Người này không làm tất cả dịch vụ đã chọn: hãy chọn người khác hoặc bất kỳ ai."]),
    ("err_party", ["Please choose the number of guests.", "Scegli il numero di persone.", "Choisissez le nombre de personnes.", "Elige el número de personas.", "Vui lòng chọn số khách."]),
    ("err_general", ["Something in the form needs attention.", "Qualcosa nel modulo va corretto.", "Un élément du formulaire est à corriger.", "Hay algo que corregir en el formulario.", "Có thông tin cần sửa trong biểu mẫu."]),
    ("err_code", ["That code is not right.", "Il codice non è corretto.", "Ce code n’est pas correct.", "El código no es correcto.", "Mã không đúng."]),
    ("err_code_format", ["Enter the 6 digits from the text message.", "Inserisci le 6 cifre dell’SMS.", "Saisissez les 6 chiffres du SMS.", "Escribe las 6 cifras del SMS.", "Nhập 6 chữ số trong tin nhắn."]),
    ("tries_left", ["Tries left for this code: {n}.", "Tentativi rimasti per questo codice: {n}.", "Essais restants pour ce code : {n}.", "Intentos restantes para este código: {n}.", "Số lần thử còn lại cho mã này: {n}."]),
    ("taken_title", ["Sorry, this time was just taken", "Spiacenti, questo orario è appena stato preso", "Désolé, ce créneau vient d’être pris", "Lo sentimos, esta hora acaba de ocuparse", "Rất tiếc, giờ này vừa có người đặt"]),
    ("taken_text", ["Someone booked it a moment ago. Nothing was booked for you; please choose another time.", "Qualcuno l’ha prenotato un attimo fa. Non è stato prenotato nulla per te: scegli un altro orario.", "Quelqu’un vient de le réserver. Rien n’a été réservé pour vous : choisissez une autre heure.", "Alguien la reservó hace un momento. No se ha reservado nada para ti: elige otra hora.", "Có người vừa đặt giờ này. Chưa có lịch nào được đặt cho bạn; vui lòng chọn giờ khác."]),
    ("choose_another", ["Choose another time", "Scegli un altro orario", "Choisir une autre heure", "Elegir otra hora", "Chọn giờ khác"]),
    ("slow_title", ["Please wait a moment", "Attendi un momento", "Patientez un instant", "Espera un momento", "Vui lòng đợi một chút"]),
    ("slow_text", ["There were too many attempts. Please try again later.", "Ci sono stati troppi tentativi. Riprova più tardi.", "Il y a eu trop de tentatives. Réessayez plus tard.", "Ha habido demasiados intentos. Inténtalo más tarde.", "Có quá nhiều lần thử. Vui lòng thử lại sau."]),
    ("notfound_title", ["This link doesn’t work", "Questo link non funziona", "Ce lien ne fonctionne pas", "Este enlace no funciona", "Liên kết này không dùng được"]),
    ("notfound_text", ["It may have expired or been mistyped. Use the link in your latest message from the business, or contact them.", "Potrebbe essere scaduto o scritto male. Usa il link dell’ultimo messaggio ricevuto o contatta l’attività.", "Il a peut-être expiré ou été mal recopié. Utilisez le lien de votre dernier message ou contactez l’établissement.", "Puede haber caducado o estar mal escrito. Usa el enlace de tu último mensaje o contacta con el negocio.", "Liên kết có thể đã hết hạn hoặc bị gõ sai. Hãy dùng liên kết trong tin nhắn mới nhất hoặc liên hệ cơ sở."]),
    ("nopage_text", ["There is no booking page at this address.", "Non c’è nessuna pagina di prenotazione a questo indirizzo.", "Il n’y a pas de page de réservation à cette adresse.", "No hay ninguna página de reservas en esta dirección.", "Không có trang đặt lịch tại địa chỉ này."]),
    ("unavailable_title", ["Booking online is not possible right now", "Al momento non si può prenotare online", "La réservation en ligne est impossible pour le moment", "Ahora no se puede reservar online", "Hiện không thể đặt lịch trực tuyến"]),
    ("unavailable_text", ["The business cannot send confirmation codes right now. Please call them to book.", "L’attività non può inviare codici di conferma in questo momento. Chiamala per prenotare.", "L’établissement ne peut pas envoyer de codes pour le moment. Appelez-le pour réserver.", "El negocio no puede enviar códigos ahora. Llámalo para reservar.", "Cơ sở hiện không gửi được mã xác nhận. Vui lòng gọi điện để đặt lịch."]),
    ("verify_title", ["Enter your code", "Inserisci il codice", "Saisissez votre code", "Escribe tu código", "Nhập mã xác nhận"]),
    ("verify_text", ["We sent a 6-digit code to {phone}.", "Abbiamo inviato un codice di 6 cifre al {phone}.", "Nous avons envoyé un code à 6 chiffres au {phone}.", "Hemos enviado un código de 6 cifras al {phone}.", "Chúng tôi đã gửi mã 6 chữ số đến {phone}."]),
    ("code_label", ["6-digit code", "Codice di 6 cifre", "Code à 6 chiffres", "Código de 6 cifras", "Mã 6 chữ số"]),
    ("verify_button", ["Confirm my booking", "Conferma la prenotazione", "Confirmer ma réservation", "Confirmar mi reserva", "Xác nhận lịch hẹn"]),
    ("held_until", ["This time is held for you until {time}.", "L’orario è bloccato per te fino alle {time}.", "Ce créneau vous est réservé jusqu’à {time}.", "Esta hora está reservada para ti hasta las {time}.", "Giờ này được giữ cho bạn đến {time}."]),
    ("code_until", ["The code works until {time}.", "Il codice vale fino alle {time}.", "Le code est valable jusqu’à {time}.", "El código vale hasta las {time}.", "Mã có hiệu lực đến {time}."]),
    ("resend_button", ["Send me a new code", "Inviami un nuovo codice", "M’envoyer un nouveau code", "Enviarme un código nuevo", "Gửi mã mới cho tôi"]),
    ("resend_wait", ["Didn’t get it? You can ask for a new code from {time}.", "Non è arrivato? Puoi chiedere un nuovo codice dalle {time}.", "Pas reçu ? Vous pourrez demander un nouveau code à partir de {time}.", "¿No te ha llegado? Puedes pedir otro código desde las {time}.", "Chưa nhận được? Bạn có thể yêu cầu mã mới từ {time}."]),
    ("resends_left", ["New codes left: {n}.", "Nuovi codici disponibili: {n}.", "Nouveaux codes restants : {n}.", "Códigos nuevos restantes: {n}.", "Số lần gửi mã mới còn lại: {n}."]),
    ("no_resends", ["No more new codes can be sent for this booking.", "Non si possono inviare altri codici per questa prenotazione.", "Plus aucun code ne peut être envoyé pour cette réservation.", "No se pueden enviar más códigos para esta reserva.", "Không thể gửi thêm mã cho lịch hẹn này."]),
    ("code_expired", ["This code has expired. Ask for a new one.", "Il codice è scaduto. Chiedine uno nuovo.", "Ce code a expiré. Demandez-en un nouveau.", "El código ha caducado. Pide uno nuevo.", "Mã đã hết hạn. Hãy yêu cầu mã mới."]),
    ("code_locked", ["Too many wrong tries for this code. Ask for a new one.", "Troppi tentativi sbagliati per questo codice. Chiedine uno nuovo.", "Trop d’essais erronés pour ce code. Demandez-en un nouveau.", "Demasiados intentos fallidos con este código. Pide uno nuevo.", "Nhập sai quá nhiều lần. Hãy yêu cầu mã mới."]),
    ("code_sent", ["A new code is on its way.", "Un nuovo codice è in arrivo.", "Un nouveau code est en route.", "Un código nuevo va de camino.", "Mã mới đang được gửi."]),
    ("let_go", ["Cancel and release this time", "Annulla e libera l’orario", "Annuler et libérer ce créneau", "Cancelar y liberar la hora", "Hủy và trả lại giờ này"]),
    ("hold_expired_title", ["This time was released", "L’orario è stato liberato", "Ce créneau a été libéré", "La hora se ha liberado", "Giờ này đã được trả lại"]),
    ("hold_expired_text", ["The code was not entered in time, so nothing was booked. Please book again.", "Il codice non è stato inserito in tempo, quindi non è stato prenotato nulla. Prenota di nuovo.", "Le code n’a pas été saisi à temps : rien n’a été réservé. Réservez à nouveau.", "El código no se escribió a tiempo y no se ha reservado nada. Vuelve a reservar.", "Mã không được nhập kịp thời nên chưa có lịch nào được đặt. Vui lòng đặt lại."]),
    ("booking_title", ["Your booking", "La tua prenotazione", "Votre réservation", "Tu reserva", "Lịch hẹn của bạn"]),
    ("confirmed_title", ["Your booking is confirmed", "La prenotazione è confermata", "Votre réservation est confirmée", "Tu reserva está confirmada", "Lịch hẹn đã được xác nhận"]),
    ("pending_title", ["Booking request received", "Richiesta di prenotazione ricevuta", "Demande de réservation reçue", "Solicitud de reserva recibida", "Đã nhận yêu cầu đặt lịch"]),
    ("pending_text", ["{business} will confirm it shortly; you will get a message.", "{business} la confermerà a breve; riceverai un messaggio.", "{business} la confirmera bientôt ; vous recevrez un message.", "{business} la confirmará en breve; recibirás un mensaje.", "{business} sẽ sớm xác nhận; bạn sẽ nhận được tin nhắn."]),
    ("cancelled_title", ["This booking is cancelled", "Questa prenotazione è annullata", "Cette réservation est annulée", "Esta reserva está cancelada", "Lịch hẹn này đã bị hủy"]),
    ("confirmed_msg", ["Thank you! A confirmation is on its way by text message.", "Grazie! La conferma arriva via SMS.", "Merci ! Une confirmation arrive par SMS.", "¡Gracias! La confirmación llega por SMS.", "Cảm ơn bạn! Tin nhắn xác nhận đang được gửi."]),
    ("moved_msg", ["Your booking has moved. The new details are on their way.", "La prenotazione è stata spostata. I nuovi dettagli sono in arrivo.", "Votre réservation a été déplacée. Les nouveaux détails arrivent.", "Tu reserva se ha movido. Los nuevos detalles van de camino.", "Lịch hẹn đã được đổi. Thông tin mới đang được gửi."]),
    ("cancelled_msg", ["Your booking is cancelled.", "La prenotazione è annullata.", "Votre réservation est annulée.", "Tu reserva está cancelada.", "Lịch hẹn đã được hủy."]),
    ("reminder_at", ["We will send you a reminder on {when}.", "Ti invieremo un promemoria {when}.", "Nous vous enverrons un rappel le {when}.", "Te enviaremos un recordatorio el {when}.", "Chúng tôi sẽ nhắc bạn vào {when}."]),
    ("book_again", ["Book again", "Prenota di nuovo", "Réserver à nouveau", "Reservar de nuevo", "Đặt lịch lại"]),
    ("move_title", ["Change the time", "Cambia l’orario", "Changer l’heure", "Cambiar la hora", "Đổi giờ"]),
    ("move_date", ["Day", "Giorno", "Jour", "Día", "Ngày"]),
    ("show_times", ["Show free times", "Mostra gli orari liberi", "Voir les créneaux libres", "Ver horas libres", "Xem giờ trống"]),
    ("move_button", ["Move my booking", "Sposta la prenotazione", "Déplacer ma réservation", "Mover mi reserva", "Đổi lịch hẹn"]),
    ("edit_until", ["You can change this booking online until {when}.", "Puoi cambiare la prenotazione online fino a {when}.", "Vous pouvez modifier cette réservation en ligne jusqu’au {when}.", "Puedes cambiar esta reserva online hasta el {when}.", "Bạn có thể đổi lịch trực tuyến đến {when}."]),
    ("edit_closed", ["It is too late to change this booking online. Please call {business}.", "È troppo tardi per cambiare la prenotazione online. Chiama {business}.", "Il est trop tard pour modifier en ligne. Appelez {business}.", "Es demasiado tarde para cambiarla online. Llama a {business}.", "Đã quá hạn đổi lịch trực tuyến. Vui lòng gọi {business}."]),
    ("cancel_title", ["Cancel the booking", "Annulla la prenotazione", "Annuler la réservation", "Cancelar la reserva", "Hủy lịch hẹn"]),
    ("cancel_button", ["Cancel my booking", "Annulla la mia prenotazione", "Annuler ma réservation", "Cancelar mi reserva", "Hủy lịch hẹn của tôi"]),
    ("cancel_until", ["You can cancel online until {when}.", "Puoi annullare online fino a {when}.", "Vous pouvez annuler en ligne jusqu’au {when}.", "Puedes cancelar online hasta el {when}.", "Bạn có thể hủy trực tuyến đến {when}."]),
    ("cancel_closed", ["It is too late to cancel online. Please call {business}.", "È troppo tardi per annullare online. Chiama {business}.", "Il est trop tard pour annuler en ligne. Appelez {business}.", "Es demasiado tarde para cancelar online. Llama a {business}.", "Đã quá hạn hủy trực tuyến. Vui lòng gọi {business}."]),
    ("cancel_confirm", ["Cancel this booking?", "Annullare questa prenotazione?", "Annuler cette réservation ?", "¿Cancelar esta reserva?", "Hủy lịch hẹn này?"]),
    ("contact", ["Contact", "Contatti", "Contact", "Contacto", "Liên hệ"]),
    ("status", ["Status", "Stato", "Statut", "Estado", "Trạng thái"]),
    ("st_held", ["Waiting for your code", "In attesa del codice", "En attente de votre code", "Esperando tu código", "Đang chờ mã của bạn"]),
    ("st_pending", ["Waiting for confirmation", "In attesa di conferma", "En attente de confirmation", "Pendiente de confirmación", "Đang chờ xác nhận"]),
    ("st_confirmed", ["Confirmed", "Confermata", "Confirmée", "Confirmada", "Đã xác nhận"]),
    ("st_checked_in", ["Checked in", "Arrivato", "Arrivé", "Llegada registrada", "Đã đến"]),
    ("st_completed", ["Completed", "Completata", "Terminée", "Completada", "Đã hoàn thành"]),
    ("st_cancelled", ["Cancelled", "Annullata", "Annulée", "Cancelada", "Đã hủy"]),
    ("st_no_show", ["Missed", "Mancata", "Manquée", "No asistida", "Vắng mặt"]),
    ("st_expired", ["Released", "Liberata", "Libérée", "Liberada", "Đã hủy giữ chỗ"]),
    ("past_visit", ["This visit is over. We hope to see you again.", "Questa visita è passata. Speriamo di rivederti.", "Cette visite est passée. Au plaisir de vous revoir.", "Esta visita ya pasó. Esperamos verte de nuevo.", "Lần hẹn này đã qua. Mong gặp lại bạn."]),
    ("embed_note", ["Booking by Frontdesk", "Prenotazioni con Frontdesk", "Réservations par Frontdesk", "Reservas con Frontdesk", "Đặt lịch bởi Frontdesk"]),
];

/// The words of one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tr {
    idx: usize,
}

impl Tr {
    /// The texts of `lang` (English when unknown).
    pub fn new(lang: &str) -> Self {
        Self {
            idx: LANGS.iter().position(|l| *l == lang).unwrap_or(0),
        }
    }

    /// The language code (`en`, `it`…).
    pub fn lang(&self) -> &'static str {
        LANGS[self.idx]
    }

    /// The text of `key`; the key itself when unknown (a test keeps that from happening).
    pub fn get(&self, key: &str) -> &'static str {
        MESSAGES
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v[self.idx])
            .unwrap_or_else(|| {
                tracing::warn!(key, "missing translation key");
                ""
            })
    }

    /// The text of `key` with `{name}` placeholders filled.
    pub fn f(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.get(key).to_string();
        for (k, v) in args {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }

    /// The short name of ISO weekday `n` (1 = Monday).
    pub fn weekday(&self, n: i8) -> &'static str {
        self.get(["wd1", "wd2", "wd3", "wd4", "wd5", "wd6", "wd7"][(n.clamp(1, 7) - 1) as usize])
    }
}

/// The first supported language of an `Accept-Language` header, by quality.
pub fn from_accept_language(header: &str) -> Option<&'static str> {
    let mut best: Option<(f32, &'static str)> = None;
    for part in header.split(',') {
        let mut it = part.trim().split(';');
        let tag = it.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = it
            .find_map(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
            })
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or("");
        if let Some(l) = LANGS.iter().find(|l| **l == primary)
            && q > 0.0
            && best.is_none_or(|(bq, _)| q > bq)
        {
            best = Some((q, l));
        }
    }
    best.map(|b| b.1)
}

/// `lang` if it is a supported language.
pub fn supported(lang: &str) -> Option<&'static str> {
    LANGS.iter().find(|l| **l == lang.trim()).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_five_texts_and_placeholders_match() {
        let mut seen = std::collections::HashSet::new();
        for (k, texts) in MESSAGES {
            assert!(seen.insert(*k), "key {k} twice");
            for (i, t) in texts.iter().enumerate() {
                assert!(!t.trim().is_empty(), "{k} has no {} text", LANGS[i]);
            }
            let holes = |s: &str| {
                let mut v: Vec<String> = s
                    .split('{')
                    .skip(1)
                    .filter_map(|p| p.split_once('}').map(|x| x.0.to_string()))
                    .collect();
                v.sort();
                v
            };
            for t in &texts[1..] {
                assert_eq!(
                    holes(texts[0]),
                    holes(t),
                    "{k}: placeholders differ in {t:?}"
                );
            }
        }
    }

    #[test]
    fn accept_language_picks_the_best_supported() {
        assert_eq!(from_accept_language("it-IT,it;q=0.9,en;q=0.8"), Some("it"));
        assert_eq!(from_accept_language("de-DE,fr;q=0.5,vi;q=0.7"), Some("vi"));
        assert_eq!(from_accept_language("de, ja"), None);
        assert_eq!(from_accept_language("es;q=0,en;q=0.1"), Some("en"));
    }

    #[test]
    fn formatting_fills_placeholders() {
        let t = Tr::new("fr");
        assert_eq!(t.f("step_of", &[("n", "2")]), "Étape 2 sur 3");
        assert_eq!(Tr::new("xx").lang(), "en");
        assert_eq!(t.weekday(7), "Dim");
    }
}
