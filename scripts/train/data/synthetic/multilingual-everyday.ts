// Training-only everyday requests in the languages whose other training rows are mostly harmful requests (MultiJail,
// CatQA, XSafety: Thai, Swahili, Javanese, Bengali, Vietnamese, Arabic, Korean, Chinese, Italian) and a few more:
// without them a classifier learns the language itself as evidence, and the gateway blocked a Thai question about
// the weather in Chiang Mai as a harmful request. Benign for every head (written for Bulwark).
import type { Example } from '../types.js';
import { rng, shuffle } from '../util.js';

interface LanguageFrames {
  /** Frames with {t} (a topic), {h} (an everyday task, in "how do I …" frames), {n} (an order number) or {s} (a text). */
  frames: string[];
  topics: string[];
  texts: string[];
  /** "How do I …" is the shape of most harmful requests in these languages' training rows: here about chores. */
  tasks: string[];
  /** Whole everyday messages, for the languages with the fewest benign rows elsewhere. */
  sentences?: string[];
}

const LANGUAGES: Record<string, LanguageFrames> = {
  th: {
    frames: [
      'ฉันจะ{h}ได้อย่างไร', 'ขอวิธี{h}หน่อย',
      'ช่วยเล่าเรื่อง{t}ให้ฟังหน่อย', 'ฉันอยากรู้เกี่ยวกับ{t}', '{t}คืออะไร', 'ช่วยแนะนำ{t}หน่อยได้ไหม', 'มีเคล็ดลับเรื่อง{t}ไหม',
      'ช่วยอธิบาย{t}แบบง่าย ๆ', 'คำสั่งซื้อเลขที่ {n} ของฉันจะมาถึงเมื่อไหร่', 'ฉันต้องการเปลี่ยนที่อยู่จัดส่งสำหรับคำสั่งซื้อ {n}',
      'ช่วยแปลประโยคนี้เป็นภาษาอังกฤษหน่อย: {s}', 'ช่วยสรุปข้อความนี้ให้หน่อย: {s}', 'ขอบคุณมากครับ', 'สวัสดีค่ะ วันนี้ช่วยอะไรได้บ้าง',
    ],
    topics: ['อาหารไทย', 'การทำขนมปัง', 'ฟุตบอล', 'ดนตรีแจ๊ส', 'การปลูกผัก', 'ประวัติศาสตร์อยุธยา', 'การออกกำลังกาย', 'การเรียนภาษาอังกฤษ', 'ทะเลภูเก็ต', 'แมว', 'การถ่ายภาพ', 'การเขียนโปรแกรม', 'หนังสือดี ๆ', 'กาแฟ', 'การนอนหลับให้ดี'],
    tasks: ['ทำผัดไทย', 'อบเค้กช็อกโกแลต', 'เรียนภาษาญี่ปุ่นด้วยตัวเอง', 'ปลูกมะเขือเทศ', 'เปลี่ยนรหัสผ่านอีเมลของฉัน', 'ขอคืนเงิน', 'จองตั๋วรถไฟ', 'ดูแลแมวแก่', 'เขียนจดหมายสมัครงาน', 'ลดน้ำหนักอย่างปลอดภัย'],
    sentences: [
      'รถไฟไปเชียงใหม่ออกกี่โมงคะ',
      'ลูกสาวมีไข้ต่ำ ๆ ควรให้ดื่มน้ำเยอะ ๆ และพักผ่อนใช่ไหม',
      'แนะนำหนังดี ๆ สำหรับดูกับครอบครัวหน่อย',
      'อยากเปลี่ยนเบอร์โทรศัพท์ในบัญชีธนาคารต้องทำอย่างไร',
      'พัสดุที่ได้รับเสียหาย จะขอเปลี่ยนสินค้าได้ไหม',
      'ช่วยเขียนข้อความขอบคุณหัวหน้าให้หน่อย',
      'ทีมชาติไทยจะแข่งนัดต่อไปเมื่อไหร่',
      'วิธีเก็บมะม่วงไม่ให้เสียเร็ว',
      'ดื่มกาแฟตอนเย็นจะทำให้นอนไม่หลับไหม',
      'อยากออมเงินเดือนละห้าพันบาท มีคำแนะนำไหม',
      'ช่วยแก้คำผิดในประโยคนี้ให้หน่อย: ฉันไปโรงเรยนทุกวัน',
      'ต้องใช้วีซ่าไหมถ้าจะไปเที่ยวญี่ปุ่น',
      'แมวไม่ยอมกินอาหารมาสองวันแล้ว ควรพาไปหาหมอไหม',
      'สูตรแกงเขียวหวานไก่สำหรับสี่คน',
      'อยากเรียนว่ายน้ำตอนอายุสี่สิบ ยังทันไหม',
      'ช่วยแนะนำที่เที่ยวในกระบี่สามวันสองคืน',
      'ฉันจะลบแอปที่ไม่ได้ใช้ในโทรศัพท์ได้อย่างไร',
      'ประวัติของสงครามโลกครั้งที่สองโดยสรุป',
      'กองกลางในฟุตบอลมีหน้าที่อะไร',
      'ยาแก้ปวดพาราเซตามอลกินได้วันละกี่เม็ด ตามที่เภสัชกรแนะนำ',
      'มดขึ้นบ้านเยอะมาก มีวิธีไล่มดแบบปลอดภัยไหม',
      'มีดทำครัวทื่อแล้ว ลับมีดเองที่บ้านได้ไหม',
    ],
    texts: ['วันนี้อากาศดีมาก เราจะไปเที่ยวทะเลกัน', 'ร้านนี้เปิดทุกวันตั้งแต่เก้าโมงเช้า', 'ประชุมพรุ่งนี้เลื่อนเป็นบ่ายสองโมง'],
  },
  sw: {
    frames: [
      'Ninawezaje {h}?', 'Jinsi ya {h}?',
      'Niambie kuhusu {t}.', 'Ninataka kujifunza kuhusu {t}.', 'Unaweza kunieleza {t} kwa ufupi?', 'Je, una ushauri wowote kuhusu {t}?',
      'Naomba mapendekezo kuhusu {t}.', 'Agizo langu namba {n} litafika lini?', 'Ninataka kubadilisha anwani ya agizo namba {n}.',
      'Tafadhali tafsiri sentensi hii kwa Kiingereza: {s}', 'Tafadhali fupisha maandishi haya: {s}', 'Asante sana kwa msaada wako.', 'Habari za asubuhi! Unaweza kunisaidia leo?',
    ],
    topics: ['upishi wa pilau', 'mpira wa miguu', 'hali ya hewa ya Mombasa', 'historia ya Afrika Mashariki', 'kilimo cha mahindi', 'muziki wa taarab', 'kujifunza Kiingereza', 'afya ya moyo', 'usingizi mzuri', 'vitabu vya hadithi', 'Mlima Kilimanjaro', 'programu za simu', 'ufugaji wa kuku', 'safari za Serengeti'],
    tasks: ['kupika chapati', 'kujifunza Kifaransa', 'kupanda nyanya', 'kubadilisha nenosiri la barua pepe yangu', 'kuomba kurejeshewa pesa', 'kukata tiketi ya treni', 'kuandika barua ya kuomba kazi', 'kutunza paka mzee', 'kuoka keki ya chokoleti', 'kupunguza uzito kwa usalama'],
    sentences: [
      'Ni saa ngapi basi la kwenda Arusha linaondoka kesho asubuhi?',
      'Nina mtihani wa hesabu wiki ijayo. Unaweza kunipa mazoezi ya sehemu?',
      'Je, ninaweza kulipa bili ya umeme kwa simu yangu?',
      'Mtoto wangu ana homa kidogo. Nimpe maji mengi na apumzike?',
      'Nipendekezee filamu nzuri ya kutazama na familia wikendi hii.',
      'Kiwanja changu cha mpira kinahitaji nyasi mpya. Nianze vipi?',
      'Ninawezaje kuhifadhi maembe yasiharibike haraka?',
      'Nimesahau nenosiri la akaunti yangu ya benki. Nifanye nini?',
      'Je, treni ya SGR kutoka Nairobi hadi Mombasa inachukua muda gani?',
      'Naomba mapishi rahisi ya maharagwe ya nazi kwa watu wanne.',
      'Ninaandaa sherehe ya kuzaliwa ya binti yangu. Nipe mawazo ya michezo ya watoto.',
      'Je, ni vizuri kunywa kahawa jioni kabla ya kulala?',
      'Nisaidie kuandika ujumbe wa kumshukuru bosi wangu kwa msaada wake.',
      'Mvua imenyesha sana, paa langu linavuja. Nimwite fundi gani?',
      'Ninataka kununua simu mpya chini ya shilingi elfu thelathini. Unashauri ipi?',
      'Timu ya taifa itacheza lini mechi yake ijayo?',
      'Nimepokea kifurushi kilichoharibika. Nawezaje kuomba kingine?',
      'Kuna njia gani za kuokoa pesa kila mwezi?',
      'Je, ninahitaji viza kusafiri kwenda Uganda kutoka Kenya?',
      'Nifundishe salamu za asubuhi kwa Kifaransa.',
      'Dawa ya kuua mchwa jikoni ni ipi isiyo hatari kwa watoto?',
      'Mpishi anawezaje kunoa kisu bila jiwe maalum?',
      'Hadithi ya vita vya Maji Maji ilikuwaje?',
      'Mchezaji huyu wa mpira alifunga magoli mangapi msimu uliopita?',
    ],
    texts: ['Mkutano wa kesho umeahirishwa hadi saa nane mchana.', 'Duka letu liko wazi kila siku kuanzia saa tatu asubuhi.', 'Leo hali ya hewa ni nzuri, tutaenda ufukweni.'],
  },
  bn: {
    frames: [
      'আমি কীভাবে {h}?', 'কীভাবে {h}, একটু বলবেন?',
      '{t} সম্পর্কে কিছু বলুন।', 'আমি {t} সম্পর্কে জানতে চাই।', '{t} কী, সহজভাবে বুঝিয়ে বলুন।', '{t} নিয়ে কিছু পরামর্শ দিন।',
      'আমার অর্ডার নম্বর {n} কবে পৌঁছাবে?', 'অর্ডার {n} এর ঠিকানা পরিবর্তন করতে চাই।', 'এই বাক্যটি ইংরেজিতে অনুবাদ করুন: {s}',
      'এই লেখাটির সারাংশ দিন: {s}', 'অনেক ধন্যবাদ।', 'শুভ সকাল! আজ আমাকে একটু সাহায্য করবেন?',
    ],
    topics: ['বাংলা সাহিত্য', 'ক্রিকেট', 'ঢাকার আবহাওয়া', 'ইলিশ মাছ রান্না', 'ইংরেজি শেখা', 'রবীন্দ্রসংগীত', 'স্বাস্থ্যকর খাবার', 'ভালো ঘুম', 'প্রোগ্রামিং', 'সুন্দরবন', 'বাগান করা', 'গণিত পরীক্ষা'],
    tasks: ['বিরিয়ানি রান্না করব', 'জাপানি ভাষা শিখব', 'টমেটো চাষ করব', 'আমার ইমেইলের পাসওয়ার্ড বদলাব', 'টাকা ফেরত চাইব', 'ট্রেনের টিকিট কাটব', 'চাকরির আবেদনপত্র লিখব', 'চকলেট কেক বানাব', 'নিরাপদে ওজন কমাব'],
    sentences: [
      'ঢাকা থেকে চট্টগ্রামের ট্রেন কখন ছাড়ে?',
      'আমার মেয়ের হালকা জ্বর, বেশি পানি খাওয়াব আর বিশ্রাম নিতে দেব তো?',
      'পরিবারের সাথে দেখার মতো একটি ভালো সিনেমার নাম বলুন।',
      'আমার ব্যাংক অ্যাকাউন্টে মোবাইল নম্বর বদলাতে চাই।',
      'পার্সেলটি ভাঙা অবস্থায় পেয়েছি, বদলে দেওয়া যাবে?',
      'প্রতি মাসে টাকা জমানোর কিছু সহজ উপায় বলুন।',
      'আমের আচার বানানোর রেসিপি দিন।',
      'সন্ধ্যায় চা খেলে কি ঘুমের সমস্যা হয়?',
      'কক্সবাজারে দুই দিনের ভ্রমণের পরিকল্পনা করে দিন।',
      'মুক্তিযুদ্ধের ইতিহাস সংক্ষেপে বলুন।',
      'রান্নাঘরের ছুরি ভোঁতা হয়ে গেছে, বাড়িতে কীভাবে ধার দেব?',
      'ঘরে পিঁপড়া খুব বেশি, নিরাপদে তাড়ানোর উপায় কী?',
    ],
    texts: ['আগামীকালের সভা দুপুর দুইটায় সরানো হয়েছে।', 'আমাদের দোকান প্রতিদিন সকাল নয়টা থেকে খোলা থাকে।', 'আজ আবহাওয়া খুব সুন্দর।'],
  },
  vi: {
    frames: [
      'Làm thế nào để {h}?', 'Cách {h} như thế nào?',
      'Hãy kể cho tôi nghe về {t}.', 'Tôi muốn tìm hiểu về {t}.', 'Bạn có thể giải thích {t} một cách đơn giản không?', 'Bạn có lời khuyên nào về {t} không?',
      'Đơn hàng số {n} của tôi khi nào được giao?', 'Tôi muốn đổi địa chỉ giao hàng cho đơn {n}.', 'Hãy dịch câu này sang tiếng Anh: {s}',
      'Tóm tắt giúp tôi đoạn văn này: {s}', 'Cảm ơn bạn rất nhiều.', 'Chào bạn, hôm nay bạn giúp tôi được không?',
    ],
    topics: ['ẩm thực Huế', 'bóng đá', 'thời tiết Sài Gòn', 'lịch sử Việt Nam', 'cách nấu phở', 'học tiếng Anh', 'trồng rau sạch', 'nhạc Trịnh Công Sơn', 'giấc ngủ ngon', 'lập trình Python', 'vịnh Hạ Long', 'nuôi mèo'],
    tasks: ['nấu bún bò', 'học tiếng Nhật', 'trồng cà chua', 'đổi mật khẩu email của tôi', 'yêu cầu hoàn tiền', 'đặt vé tàu', 'viết thư xin việc', 'làm bánh sô-cô-la', 'giảm cân an toàn'],
    sentences: [
      'Tàu từ Hà Nội vào Huế khởi hành lúc mấy giờ?',
      'Con tôi bị sốt nhẹ, cho cháu uống nhiều nước và nghỉ ngơi có được không?',
      'Gợi ý giúp tôi một bộ phim hay để xem cùng gia đình.',
      'Tôi muốn đổi số điện thoại trong tài khoản ngân hàng.',
      'Gói hàng tôi nhận bị hỏng, có thể đổi hàng không?',
      'Có cách nào tiết kiệm tiền mỗi tháng không?',
      'Uống cà phê buổi tối có gây mất ngủ không?',
      'Tiền vệ trong bóng đá có nhiệm vụ gì?',
      'Tóm tắt lịch sử chiến tranh thế giới thứ hai giúp tôi.',
      'Dao làm bếp bị cùn, mài ở nhà thế nào?',
      'Nhà nhiều kiến quá, có cách đuổi kiến an toàn không?',
    ],
    texts: ['Cuộc họp ngày mai được dời sang hai giờ chiều.', 'Cửa hàng mở cửa mỗi ngày từ chín giờ sáng.', 'Hôm nay trời đẹp, chúng ta đi biển nhé.'],
  },
  jv: {
    frames: [
      'Piye carane {h}?',
      'Critakna babagan {t}.', 'Aku kepengin sinau babagan {t}.', 'Tulung jelasna {t} kanthi gampang.', 'Ana saran babagan {t}?',
      'Pesenanku nomer {n} tekan kapan?', 'Tulung terjemahna ukara iki menyang basa Inggris: {s}', 'Matur nuwun sanget.', 'Sugeng enjing, panjenengan saged mbiyantu kula?',
    ],
    topics: ['masakan Jawa', 'bal-balan', 'wayang kulit', 'candhi Prambanan', 'gamelan', 'sinau basa Inggris', 'tetanen pari', 'batik', 'kutha Yogyakarta', 'turu sing cukup'],
    tasks: ['masak soto', 'sinau basa Jepang', 'nandur tomat', 'ngganti sandhi email', 'njaluk duwit bali', 'tuku tiket sepur', 'nulis layang lamaran kerja', 'nggawe kue coklat'],
    texts: ['Rapat sesuk diundur dadi jam loro awan.', 'Toko iki bukak saben dina wiwit jam sanga esuk.'],
  },
  ar: {
    frames: [
      'كيف يمكنني {h}؟',
      'حدثني عن {t}.', 'أريد أن أتعلم عن {t}.', 'هل يمكنك أن تشرح {t} بطريقة بسيطة؟', 'هل لديك نصائح حول {t}؟', 'متى سيصل طلبي رقم {n}؟',
      'أريد تغيير عنوان التوصيل للطلب رقم {n}.', 'ترجم هذه الجملة إلى الإنجليزية: {s}', 'لخص هذا النص من فضلك: {s}', 'شكراً جزيلاً لك.', 'صباح الخير، هل يمكنك مساعدتي اليوم؟',
    ],
    topics: ['المطبخ المغربي', 'كرة القدم', 'الطقس في دبي', 'تاريخ الأندلس', 'تعلم اللغة الإنجليزية', 'الخط العربي', 'النوم الصحي', 'البرمجة', 'زراعة النخيل', 'الشعر العربي', 'الأهرامات'],
    tasks: ['طبخ الكسكس', 'تعلم اللغة اليابانية', 'زراعة الطماطم', 'تغيير كلمة مرور بريدي الإلكتروني', 'طلب استرداد المبلغ', 'حجز تذكرة قطار', 'كتابة رسالة طلب وظيفة', 'خبز كعكة الشوكولاتة'],
    sentences: [
      'متى يغادر القطار من الإسكندرية إلى القاهرة صباح الغد؟',
      'ابنتي عندها حمى خفيفة، هل أعطيها الكثير من الماء وأتركها ترتاح؟',
      'اقترح علي فيلماً عائلياً لمشاهدته في نهاية الأسبوع.',
      'أريد تغيير رقم الهاتف المسجل في حسابي البنكي.',
      'وصلني الطرد تالفاً، هل يمكن استبداله؟',
      'ما هي أفضل طرق توفير المال كل شهر؟',
      'كيف أحفظ المانجو حتى لا تفسد بسرعة؟',
      'هل شرب القهوة في المساء يسبب الأرق؟',
      'ما هو دور لاعب الوسط في كرة القدم؟',
      'لخص لي تاريخ الحرب العالمية الأولى في فقرة.',
      'سكين المطبخ أصبحت غير حادة، كيف أشحذها في البيت؟',
      'كيف أتخلص من النمل في المطبخ بطريقة آمنة؟',
    ],
    texts: ['تم تأجيل اجتماع الغد إلى الساعة الثانية ظهراً.', 'المتجر مفتوح كل يوم من الساعة التاسعة صباحاً.'],
  },
  ko: {
    frames: [
      '{h} 방법을 알려 주세요.', '{h} 방법이 궁금해요.',
      '{t}에 대해 알려 주세요.', '{t}에 대해 배우고 싶어요.', '{t}에 대해 쉽게 설명해 주세요.', '{t} 관련 팁이 있나요?', '주문 번호 {n} 배송은 언제 도착하나요?',
      '다음 문장을 영어로 번역해 주세요: {s}', '이 글을 요약해 주세요: {s}', '정말 감사합니다.', '안녕하세요, 오늘 좀 도와주실 수 있나요?',
    ],
    topics: ['한국 음식', '야구', '서울 날씨', '조선 역사', '김치 만들기', '영어 공부', '등산', '건강한 수면', '프로그래밍', '제주도 여행'],
    tasks: ['된장찌개 끓이는', '일본어 혼자 공부하는', '토마토 키우는', '이메일 비밀번호 바꾸는', '환불 요청하는', '기차표 예매하는', '자기소개서 쓰는', '초콜릿 케이크 굽는'],
    texts: ['내일 회의는 오후 두 시로 연기되었습니다.', '가게는 매일 오전 아홉 시에 문을 엽니다.'],
  },
  zh: {
    frames: ['怎么{h}？', '如何{h}？', '给我讲讲{t}。', '我想了解一下{t}。', '能简单解释一下{t}吗？', '关于{t}有什么建议吗？', '我的订单{n}什么时候到？', '我想修改订单{n}的收货地址。', '请把这句话翻译成英文：{s}', '请总结一下这段话：{s}', '非常感谢！', '你好，今天能帮我一下吗？'],
    topics: ['川菜', '足球', '北京的天气', '唐朝历史', '学英语', '包饺子', '健康睡眠', '编程', '长城', '养猫'],
    tasks: ['做红烧肉', '自学日语', '种西红柿', '修改邮箱密码', '申请退款', '买火车票', '写求职信', '烤巧克力蛋糕'],
    texts: ['明天的会议改到下午两点。', '本店每天早上九点开门。'],
  },
  it: {
    frames: [
      'Come posso {h}?',
      'Parlami di {t}.', 'Vorrei imparare qualcosa su {t}.', 'Puoi spiegarmi {t} in modo semplice?', 'Hai qualche consiglio su {t}?', 'Quando arriva il mio ordine numero {n}?',
      "Vorrei cambiare l'indirizzo di consegna dell'ordine {n}.", 'Traduci questa frase in inglese: {s}', 'Riassumi questo testo: {s}', 'Grazie mille!', 'Buongiorno, mi puoi aiutare oggi?',
    ],
    topics: ['la cucina toscana', 'il calcio', 'il meteo a Milano', 'la storia di Roma', 'la pasta fatta in casa', "l'opera lirica", 'il giardinaggio', 'il sonno', 'la programmazione', 'le Dolomiti'],
    tasks: ['cucinare il risotto', 'imparare il giapponese', 'coltivare i pomodori', 'cambiare la password della mia email', 'chiedere un rimborso', 'prenotare un biglietto del treno', 'scrivere una lettera di presentazione', 'fare una torta al cioccolato'],
    texts: ['La riunione di domani è spostata alle due del pomeriggio.', 'Il negozio è aperto tutti i giorni dalle nove.'],
  },
  hi: {
    frames: [
      '{h} का तरीका बताइए।',
      '{t} के बारे में बताइए।', 'मैं {t} के बारे में सीखना चाहता हूँ।', 'क्या आप {t} को आसान भाषा में समझा सकते हैं?', '{t} के लिए कुछ सुझाव दीजिए।',
      'मेरा ऑर्डर नंबर {n} कब पहुँचेगा?', 'इस वाक्य का अंग्रेज़ी में अनुवाद कीजिए: {s}', 'इस लेख का सारांश दीजिए: {s}', 'बहुत धन्यवाद।', 'नमस्ते, क्या आप आज मेरी मदद कर सकते हैं?',
    ],
    topics: ['भारतीय खाना', 'क्रिकेट', 'दिल्ली का मौसम', 'योग', 'अंग्रेज़ी सीखना', 'बागवानी', 'अच्छी नींद', 'प्रोग्रामिंग', 'ताज महल', 'हिंदी साहित्य'],
    tasks: ['बिरयानी बनाने', 'जापानी भाषा सीखने', 'टमाटर उगाने', 'ईमेल का पासवर्ड बदलने', 'रिफ़ंड माँगने', 'ट्रेन का टिकट बुक करने', 'नौकरी का आवेदन पत्र लिखने', 'चॉकलेट केक बनाने'],
    texts: ['कल की बैठक दोपहर दो बजे तक टाल दी गई है।', 'दुकान हर दिन सुबह नौ बजे खुलती है।'],
  },
  id: {
    frames: [
      'Bagaimana cara {h}?',
      'Ceritakan tentang {t}.', 'Saya ingin belajar tentang {t}.', 'Bisakah kamu menjelaskan {t} dengan sederhana?', 'Ada tips tentang {t}?', 'Kapan pesanan saya nomor {n} sampai?',
      'Saya ingin mengubah alamat pengiriman pesanan {n}.', 'Terjemahkan kalimat ini ke bahasa Inggris: {s}', 'Tolong ringkas teks ini: {s}', 'Terima kasih banyak.', 'Selamat pagi, bisa bantu saya hari ini?',
    ],
    topics: ['masakan Padang', 'sepak bola', 'cuaca di Bali', 'sejarah Majapahit', 'belajar bahasa Inggris', 'batik', 'tidur yang cukup', 'pemrograman', 'Danau Toba', 'memelihara kucing'],
    tasks: ['memasak rendang', 'belajar bahasa Jepang', 'menanam tomat', 'mengganti kata sandi email saya', 'meminta pengembalian dana', 'memesan tiket kereta', 'menulis surat lamaran kerja', 'membuat kue cokelat'],
    texts: ['Rapat besok diundur menjadi jam dua siang.', 'Toko buka setiap hari mulai jam sembilan pagi.'],
  },
  tr: {
    frames: [
      'Nasıl {h}?',
      '{t} hakkında bilgi verir misin?', '{t} hakkında bir şeyler öğrenmek istiyorum.', '{t} konusunu basitçe açıklar mısın?', '{t} ile ilgili önerin var mı?',
      '{n} numaralı siparişim ne zaman gelir?', '{n} numaralı siparişin teslimat adresini değiştirmek istiyorum.', 'Bu cümleyi İngilizceye çevir: {s}', 'Bu metni özetler misin: {s}', 'Çok teşekkürler.', 'Günaydın, bugün bana yardım edebilir misin?',
    ],
    topics: ['Türk mutfağı', 'futbol', "İstanbul'un havası", 'Osmanlı tarihi', 'İngilizce öğrenmek', 'bahçecilik', 'iyi uyku', 'programlama', 'Kapadokya', 'kedi bakımı'],
    tasks: ['mantı yapabilirim', 'Japonca öğrenebilirim', 'domates yetiştirebilirim', 'e-posta şifremi değiştirebilirim', 'para iadesi isteyebilirim', 'tren bileti alabilirim', 'iş başvuru mektubu yazabilirim', 'çikolatalı kek yapabilirim'],
    texts: ['Yarınki toplantı öğleden sonra ikiye ertelendi.', 'Mağaza her gün sabah dokuzda açılıyor.'],
  },
};

/**
 * Up to `perLanguage` distinct texts per language. Each text is its own group: a frame's other fillings land in
 * other splits, so that every frame is trained on (there are few); generalisation beyond these frames is measured
 * on bench/corpora/multilingual-benign-holdout.jsonl, written separately.
 */
export function generateMultilingualEveryday(perLanguage = 150, seed = 73): Example[] {
  const r = rng(seed);
  const out: Example[] = [];
  for (const [lang, { frames, topics, texts, tasks, sentences }] of Object.entries(LANGUAGES)) {
    const rows: string[] = [];
    for (const frame of frames) {
      if (frame.includes('{t}')) for (const t of topics) rows.push(frame.replace('{t}', t));
      else if (frame.includes('{h}')) for (const h of tasks) rows.push(frame.replace('{h}', h));
      else if (frame.includes('{s}')) for (const s of texts) rows.push(frame.replace('{s}', s));
      else if (frame.includes('{n}')) for (let k = 0; k < 4; k++) rows.push(frame.replace('{n}', String(1000 + Math.floor(r() * 899_000))));
      else rows.push(frame);
    }
    for (const text of [...shuffle(r, rows).slice(0, perLanguage), ...(sentences ?? [])]) {
      out.push({ text, source: 'synthetic:multilingual-everyday', group: `syn-mle:${lang}:${text}`, lang, labels: { injection: 0, harmful: 0, toxic: 0 } });
    }
  }
  return out;
}
