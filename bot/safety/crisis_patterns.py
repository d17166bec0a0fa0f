"""The crisis net's danger patterns: words that mean danger now, self-harm or
suicide, in English and the languages women here often write in.

Read by bot/safety/crisis.py, which folds each message (accents off, lower
case) and takes out idioms, service words and a past that is over before
these are searched. They lean towards over-triggering (see crisis.py).
"""

from __future__ import annotations

_VIOLENT_VERBS = (
    r"beat\w*|batter\w*|hit|hits|hitting|punch\w*|kick\w*|slap\w*|strangl\w*|chok\w*|attack\w*|"
    r"assault\w*|rap(e|ed|es|ing)|stab\w*|threat\w*|pushe[sd]|shov\w*|threw|throw\w*|dragg(ed|ing) (me|us) (\w+ )?(by|across|along|out|into|round|up|down the)|"
    r"grabb?\w*|hurt\w*|bit|bites|burn(t|ed|s)|kill\w*|murder\w*|smash\w*|choke\w*|lock(ed|s) me in|"
    r"whack\w*|headbutt\w*|stamp(ed|ing|s)? on|laid into|lays? into|laying into|went for|going for|coming at|came at|"
    r"forced himself on|glass(ed)?|bottled|spat on|pinn(ed|ing)|set fire to|pour(ed|ing) \w+ (on|over)|chuck(ed|ing) \w+ (\w+ )?(at|over)"
)
DANGER_PATTERNS = [
    # suicide and self-harm
    r"suicid\w*",
    r"sucid\w*",
    r"su[ie]?cide",
    r"slit\w*",
    r"(kill|kil|killing|hang|hanging|hurt|hurting|harm|harming|cut|cutting|burn|burning|top|topping|off|offing|end)\s*(my ?self|myslf|meself|mysef)",
    r"self[\s-]?harm\w*",
    r"end (it all|my life|things|it now)",
    r"take my (own )?life",
    r"(want|wanna|going|gonna|ready) to? ?die",
    r"wanna die",
    r"better off dead",
    r"wish i (was|were) dead",
    r"(don'?t|dont|do not) (want|wanna) (to )?(be here|be alive|live|wake up|exist)",
    r"no (reason|point) (to|in) (live|living|going on|carry(ing)? on)",
    r"no point (living|anymore|in anything)",
    r"(taken|took|take|swallowed|downed) (all|too many|loads of|a load of|a (whole )?(box|pack|packet) of) (the |my )?(pills|tablets|paracetamol)",
    r"(swallowed|downed) (the |my )?(pills|tablets|paracetamol)",
    r"think\w* (about|of|bout) (dying|death|ending it|killing myself|not being here|suicide)",
    r"overdos\w*",
    r"\bod'?d\b",
    r"\bkms\b",
    r"su[iy]?[sc]id\w*",
    r"(got|have|bought) a rope",
    r"(took|taken|swallowed|had) \d{2,} (pills|tablets)",
    r"jump (off|in front)",
    r"can'?t (go on|carry on|cope anymore|take it anymore)",
    # violence and danger
    rf"({_VIOLENT_VERBS}) (me|us|u|you|my (kids?|children|child|baby|son|daughter|mum|sister|friend))\b",
    r"(he|she|they)('s| is| was| has been)? (going to|gonna|gna|will|threatening to) (hurt|kill|hit|find|beat)",
    r"(not|n'?t) safe",
    r"(?<!feel )(?<!feeling )(?<!feels )unsafe",
    r"in danger",
    r"danger(ous)? (now|right now|at home)",
    r"scared (for|of) my life",
    r"fear for my life",
    r"(afraid|scared|frightened|terrified) (he|she|they)('ll| will| is going to| might) (kill|hurt|hit|beat|attack|stab|strangle|rape)",
    r"violen(t|ce)",
    r"(has|got|with) a (knife|gun|weapon)",
    r"\bknife\b",
    r"\bweapon\b",
    r"(outside|at) my (door|house|flat|window)",
    r"(raped|rapist|sexually assaulted)",
    r"lock(ed|s|ing) me in",
    r"(stalk\w*|following) me",
    r"call (999|the police) (for me|pls|please|now)",
    r"h[ei]t+in\w* me",
    r"(trying|tryna) to (get in|break in)",
    r"won'?t let me (leave|out)",
    r"help me (now|right now|asap)",
    r"\bsos\b",
    r"emergency",
    # the same in languages women here often write in (Polish, Portuguese, Spanish, Romanian, Turkish)
    r"umrze\w*",
    r"zabi(ć|c) si\w*",
    r"bije mnie",
    r"socorro",
    r"me bate",
    r"quero morrer",
    r"me matar",
    r"me pega",
    r"quiero morir",
    r"suicidar\w*",
    r"m(ă|a) bate",
    r"vreau s(ă|a) mor",
    r"beni d(ö|o)v\w*",
    r"(ö|o)lmek istiyorum",
    # "I don't want to live (any more)" (folded): the 2026-11-23 blind set found the
    # Polish and Spanish ones missed by model and net alike
    r"nie chc\w* (juz |dluzej )*zyc",
    r"no quiero (seguir )?viv\w*",
    r"(nao|não) quero (mais )?viver",
    r"nu (mai )?vreau s(ă|a) (mai )?tr(ă|a)iesc",
    r"ya(ş|s)amak istemiyorum",
    r"(jeena|jina) nahi?n? chaht\w*",
    r"(بدي|اريد ان) اموت",
    r"لا اريد ان اعيش",
    # being beaten, self-harm and overdoses, from the multilingual training data
    r"mnie bij\w*",
    r"kendime zarar",
    r"apni jaan (le|de)\w*",
    r"i garaac\w*",
    r"tom(e|é|ei) (muchas|todas las|muitos|todos os) (pastillas|pildoras|comprimidos|remedios)",
    r"tom(e|é|ei) (unos |unas |uns |umas )?\d{2,} (pastillas|pildoras|comprimidos|remedios)",
    # English the same data found
    r"cutting again",
    r"(won'?t|wont) stop bleeding",
    r"(don'?t|dont|do not|can'?t|cant) see the point (anymore|any more|of living|in living)",
    # knives, threats and "he will kill me" (folded: no accents), the same languages plus
    # romanised Urdu/Hindi/Bengali and Arabic script
    r"no(z|ż)(em|a|e)?\b",
    r"(on|ona|m(a|ą)z|partner|ch(l|ł)opak|ex) (mi )?grozi\w*",
    r"zabije mnie",
    r"(com|tem|uma) (uma )?faca",
    r"(me )?amea(c|ç)a\w* (me|de morte)",
    r"vai me matar",
    r"cuchillo",
    r"me amenaza\w*",
    r"me va a matar",
    r"me quiere matar",
    r"cu(t|ț)it\w*",
    r"m(a|ă) amenin(t|ț)\w*",
    r"m(a|ă) omoar\w*",
    r"b(i|ı)cak",
    r"beni tehdit\w*",
    r"beni (o|ö)ld(u|ü)r\w*",
    r"mujhe (maar|mar)\w*",
    r"(chaku|chhuri|churi)\b",
    r"maar (dalega|dega|dalegi)",
    r"سكين",
    r"يضربني",
    r"سيقتلني",
    # "he hit / beat me (again)" and "I'm scared of him" (folded), in every language above
    # plus Lithuanian, Albanian and romanised Bengali: the fourth blind set (2026-11-24)
    # had two Romanian ones ("m-a lovit") that model and net both missed
    r"m-?a (lovit|batut|bătut)",
    r"m(a|ă) lov(este|ește)",
    r"mi-?e frica de (el|sotul|sot|partener|fostul)",
    r"uderzy\w* mnie",
    r"pobi\w* mnie",
    r"(me )?bateu(-me)?\b",
    r"bateu em mim",
    r"me peg(o|ó)\b",
    r"me golpe\w*",
    r"bana vur\w*",
    r"beni (d(o|ö)v|vur)\w*",
    r"mane (musa|muse|sumuse)\w*",
    r"sumuse mane",
    r"me rrah\w*",
    r"me goditi",
    r"amake (mare|marche|marlo|maare)\w*",
    r"ضربني",
    r"(scared|afraid|frightened|terrified) of (him|my (partner|husband|ex|boyfriend|bf|fella))\b",
    # suicide, self-harm, "he'll hurt me" and "call the police" in French, Italian, Lithuanian,
    # Albanian and more of the languages above, from the 2026-11-24 multilingual training data
    r"s(a|ă) m(a|ă) omor",
    r"nusizud\w*",
    r"jap fund jet\w*",
    r"quero acabar com tudo",
    r"acabar con todo",
    r"he tomado (todas las|muchas) (pastillas|pildoras)",
    r"m'a frapp\w*",
    r"appelez la police",
    r"me suicider",
    r"(je veux|j'ai envie de) mourir",
    r"mi sono tagliat\w*",
    r"voglio morire",
    r"uccidermi",
    r"mi (ha )?picchia\w*",
    r"chiamate la polizia",
    r"(mnie )?(zaraz )?pobije",
    r"me lendo\w*",
    r"ente7[ae]r",
    r"bachte chai na",
    # Written on the first blind triage round (2026-12-06), now retired into
    # tests/triage/retired: threats in his words, violence as it happens,
    # plans and means, self-harm now; measured on the second round.
    r"(he|she|they|hes|shes|theyre|he'?s|she'?s|they'?re|him|ex|partner|boyfriend|bf|husband|fella)\b[^.!?\n]{0,40}"
    r"\b(gonna|gunna|gna|going to|will|'ll|ll|wants? to|threaten\w* to|about to|coming (round |back |over )?to|tryna|trying to|says? (he'?ll|hes gonna|he will|he is going to))"
    r" (\w+ ){0,2}(kill|murder|hurt|hit|beat|stab|cut|burn|smash|break|snap|drown|strangle|choke|finish|batter|punch|kick|shoot|slit|"
    r"push me|throw \w+ (on|at|over) me|attack|use it on|set (the )?(house|flat|me) (on fire|alight)|do me (in|properly)|sort me out|teach me a lesson|"
    r"end me|put me in the ground|get me|break my|snap my|smash my)",
    r"(i|u|you) (won'?t|will not|wont) see (the )?(morning|tomorrow)|not leaving (this|the) (room|house|flat) alive|(ur|you'?re|your) (done|dead|getting it)",
    r"(he'?s|hes|he is|she'?s|they'?re|theyre|is|are|keeps?) (\w+ )?(hitting|beating|kicking|punching|stamping on|strangling|choking|hurting|attacking|battering|slapping|stabbing|laying into|throwing \w+ at|coming at|swinging \w+ (at|round))",
    r"(on top of|got) me by the (hair|throat|neck|arm)|got hold of my (wrist|arm|hair|throat|neck)|(hands?|pillow) (over|round|around) my (face|mouth|throat|neck)|on top of me (hitting|punching|strangling)",
    r"(twisted|broke|slammed|burnt|burned|cracked|split) my (arm|wrist|hand|head|face|nose|lip|ribs?|fingers?)",
    r"(just|just been|been|got|has just|he just) (\w+ ){0,2}(punched|battered|beaten|slapped|kicked|stabbed|strangled|raped|attacked|assaulted|glassed|headbutted|whacked|laid into|hit)",
    r"(end|ending|take|taking|took) (my|my own) life|(ending|end) (it|everything) (tonight|today|now|at|when|after|tomorrow)|(going|gonna|about) to (do it|end it) (tonight|today|now)",
    r"(jump|step|throw myself|threw myself|walk|walking|drive (my car )?) (off|in front of|under|from|into) (the |a |my )?(bridge|roof|train|bus|lorry|car|river|sea|thames|canal|wall|balcony|platform|tracks|cliffs?|building)",
    r"(going|gonna|about) (to )?(jump|let (myself )?(go|fall))|going over (tonight|now)|on the (edge|ledge|roof|bridge)\b[^.!?\n]{0,30}(jump|going|fall|over|let go|not coming)",
    r"not (coming back|waking up|wake up)|(won'?t|wont|will not) be (here|around|alive) (tomorrow|anymore|much longer|by)|(last|final) (message|text)",
    r"going through with it|(written|wrote|writing|left) (\w+ )?(letters?|notes?|goodbye)|said (bye|goodbye) to|the (rope|noose|belt)('s| is)? (ready|sorted|up)|got the rope|rope'?s in",
    r"engine running|(turned|put) the gas on|(blade|razor|sharpener)\b[^.!?\n]{0,30}(out|again|now|arm|leg|wrist|deeper|cut)",
    r"(cutting|slicing|burning|scratching|stabbing|punching|hurting|harming|carving) (my|myself)\b[^.!?\n]{0,30}(arms?|legs?|wrists?|thighs?|skin|hands?|face|bleed|blood|cant stop|can'?t stop|now|again)",
    r"(cutting|harming|hurting) (again|rn|now)|(go|went|gone|cut) deeper|relapsed|cant stop cutting|stitches out|(urge|urges)\b[^.!?\n]{0,20}(cut|strong|wont go)",
    r"(pour(ed|ing)|press(ed|ing)?|put|hold(ing)?) \w+ (\w+ )?(on|onto|against) my (hand|arm|leg|skin)",
    r"(gone blue|turning blue|not breathing|isn'?t breathing|not waking up|won'?t wake up|cant breathe|can'?t breathe|unconscious|passed out)",
    r"(wont|won'?t|can'?t|cant) stop (the )?bleeding|(pissing|pouring|losing (a lot of )?) blood|blood everywhere",
    # the same in the languages of the blind round
    r"(mnie |go )?(zabije|zabic)( mnie)?|sie zabije|zabije sie|mnie ((znowu|znow|juz|wlasnie|teraz|dzis) ){0,2}(uderzy|pobi)\w*|sie tne|tne sie|polknel\w* wszystkie|wzial\w* wszystkie",
    r"ma omor\b|ma tai\b|am (luat|inghitit) toate",
    r"(me esta|esta|estan) (pegando|golpeando)|me quito la vida|quitarme la vida|me estoy cortando|me (to|tou|estou) cortando|to me cortando|tomei (a caixa|todos|todas)",
    r"kendimi (oldur|kes|as)\w*|(butun|tum) ilac\w* (ictim|aldim|yuttum)",
    r"mi ammazza|ammazzarmi|la faccio finita|mi sta picchiando|mi sto tagliando|(va|vais|vas|allait|aller) me tuer|me tuer ce soir|je vais sauter|me scarifie|vient de me frapper",
    r"mane uzmus|uzmus\w*|sumuse|isgeriau visas|do (te )?me vras\w*|me vras\w*|i mora te gjitha",
    r"mujhe (\w+ )?(maara|mara|maar)|khudkushi|khud ?kushi|apne aap ko (kaat|maar)|saari goliyan|maar dev\w*|mainu maar\w*",
    r"amake (\w+ )?(mare|marche|marlo|maare)|shob oshudh|ennai (\w+ )?adi\w*|ku dilayaa|is dilayaa|igu dil\w*",
    r"يذبحني|يقتلني|بيقتلني|راح يقتل|انتحر|أنتحر|أجرح نفسي|اجرح نفسي|بلعت كل|خودکشی|আত্মহত্যা|தற்கொலை|મારી નાખ|ਮਾਰ ਦ",
    r"\b(took|taken|taking|take|swallow\w*|necked|had|ate|eaten|injected|downed|drunk|drank|doubled)\b[^.!?\n]{0,30}"
    r"\b(all|whole|entire|every|everything|the lot|fistful|a load|loads|too much|way too much|\d{2,}|\d+ (packs?|boxes|strips?|bottles?|packets?)|((a|full) )+(bottle|box|pack|packet|strip))\b"
    r"[^.!?\n]{0,40}\b(pills?|tablets?|meds|medication|medicine|paracetamol|sertraline|methadone|diazepam|valium|co-?codamol|codeine|"
    r"ibuprofen|amitriptyline|pregabalin|gabapentin|tramadol|quetiapine|zopiclone|mirtazapine|insulin|lithium|painkillers|oxy\w*|"
    r"gear|spice|heroin|fentanyl|antidepressants|sleepers|pregab|cabinet)",
    r"(swallowed|taken|took|necked|injected) (the lot|everything|what i had left)|saving (up )?my (meds|pills|tablets)|tonights the night",
    r"(he|hes|he'?s|him|his|ex|someones?|somebody|a man|a car|the man|a lad|they)\b[^.!?\n]{0,50}\b(behind me|following me|followed me|"
    r"watching (me|us|my)|looking in|keeping pace|driving (slowly )?past|flashing (his|the) lights|must be watching|exactly where i am|"
    r"got on my bus|next aisle|follow kor\w*|za mna idzie|daba socda)",
    r"tracker on my|(locked|shut|kept|trapped) (me )?(\w+ )?(in|inside)\b|lock(ed|s|ing)? (me|us|the (front )?door)|(taken|took|has|got) (my |the )?(keys?|passport|phone|shoes)\b[^.!?\n]{0,30}(can'?t|cant|locked|get out|lock)|"
    r"(he|hes|he'?s|they|theyve) (has|have|got|took|taken) (the|my|all the) keys?\b|can'?t get out(?! of bed)|cant get out(?! of bed)|(won'?t|wont) (let me (out|go|leave)|stop the car)|child locks|deadlock\w*|nailed the window|"
    r"blocking the (stairs|door|way)|not going anywhere|zamknal mnie|m-?a incuiat",
    r"(arm|wrist|leg|bone|nose|jaw|ribs?|fingers?) (is |looks |feels )?(broken|hanging wrong|wrong)|brazo roto|stab wound|gushing blood|"
    r"bleeding (a lot|loads|badly|everywhere)|(can'?t|cant) (see out|move my)|vision (is )?(blurry|going)|skins? peeling",
    r"krew (leci|mi leci)|sangerez|(to|tou|estou) sangrando|saigne beaucoup|ينزف",
    r"(banging|hitting|punching) my (head|face)|(smashed|broke) a glass to|cuttin\w* (again|rn|now)|lighter naal|(zamknal|zamknela) mnie",
    r"(coming|comin) (round|over|back|in|tonite|tonight)\b[^.!?\n]{0,30}(sort me|finish|deal with me|teach me|break my|get me|kill|hurt)|"
    r"finish what he started|saying (im|i'?m|i am|your|ur) next\b|(i|you) will be sorry|(set|setting) (the )?(house|flat|place) (on fire|alight)|deal with me when",
    r"(pulled|dragged|dragging) me (by|across|along|out|into|down the|up the|round|off)|pinned me\b|bit me\b|(throw|chuck|pour) (boiling|hot) (water|tea|coffee|oil)|(hot|boiling) (cup of )?(tea|water|coffee|oil) (over|on) me",
    r"(swallowing|taking) every (tablet|pill)|(drive|driving) (my car )?into|let (myself )?go\b[^.!?\n]{0,20}$|platform waiting for the (fast )?train|tied the knot\b[^.!?\n]{0,40}$",
    r"teach (me|u|you) a lesson|sort (me|u) out|do me in|(u|you|ur|you'?re) (gonna|going to) get it|chained the door|pulled the phone out",
    r"za mna idzie|iga daba socda|pichone ache|kilitle\w*|cikamiyorum|pootti|band kar\w* (didhi|diya|gaya|gya|gayo)|ਬੰਦ ਕਰ",
    # can't talk because he is there, and asks for help
    r"(can'?t|cant|cannot|can only) (talk|speak|reply|call|text)\b[^\n]{0,80}\b(he|hes|he'?s|him)\b|"
    r"(he'?s|hes|he is|he puts|he checks|he wont let me|he won'?t let me)\b[^\n]{0,80}(need help|please help|pls help|plz help|help me|help\W*$|"
    r"send (someone|police|help)|call (the )?police|get out tonight|help getting out|send police)|"
    r"(need help|please help|pls help)[^\n]{0,60}(he'?s|hes) (here|watching|listening|next to me|in the room|back|home)|if i stop replying",
    r"(nao posso falar|no puedo hablar|nie moge (teraz )?mowic|nu pot vorbi|konusamam|je ne peux pas parler|non posso parlare|ما اقدر اتكلم|"
    r"baat nahi kar sakti|ma hadli karo|negaliu kalbet|nuk mund te flas|વાત નથી)[^\n]{0,80}(ajuda|ayuda|pomocy|ajutor|yardim|aide|aiuto|"
    r"مساعدة|madad|caawimaad|pagalbos|ndihme|મદદ|help)",
    # Written on the second blind round (2026-12-06) after it was scored once
    # (docs/triage.md): plans, means and places; bodies in danger; his words.
    r"(says?|said|saying)\b[^.!?\n]{0,50}\b(i'?m|im|you'?re|ur|i am) (finished|dead|done for|a dead woman)|(that'?s|thats) it for me",
    r"(won'?t|wont) be around|after i'?m gone|after im gone|do it properly|(going to|gonna|gna|will|'ll) do it (tonight|when it|after the kids)|dont want to be talked out",
    r"tied the rope|rope'?s? (is )?(ready|up|tied)|(on|at) (the )?top of (the |a )?(multi-?storey|car park|building|block|bridge|cliff)|beachy head",
    r"(bought|got|saved|collected|stockpil\w*)\b[^.!?\n]{0,40}(paracetamol|pills|tablets|meds)\b[^.!?\n]{0,50}(do it|end it|properly|tonight|enough|for later)",
    r"carv\w* (into )?my|digging into my|blades? (lined up|out|ready)|(pills|tablets) i (took|taken|swallowed)|\d{2,} of them",
    r"(ket|xanax|spice|\bg\b|ghb|coke|gear|pills|drink|vodka)\b[^.!?\n]{0,50}(heart (going mad|racing|pounding)|blacking out|seeing double|passing out|cant breathe|can'?t breathe)",
    r"lips (are )?(going|turning) blue|(is |s )?fitting on|having a fit|bleeding through|stitches (burst|open)|baby'?s? not moving|(there'?s|theres) blood",
    r"(listening in|is listening|checks? my phone|sat (right )?next to me|next to me|in the room|in the next room)\b[^\n]{0,80}(need to get out|help|pomocy|madad)",
    r"nie moge (teraz )?(mowic|gadac|rozmawiac)\b[^\n]{0,80}pomocy|جنبي[^\n]{0,60}(اطلع|مساعدة)|vaat nathi kari shakti[^\n]{0,80}madad|ber hote help",
    r"no me deja salir|igu xiray|ma bixi karo|kundi laa|me mbyll|তালা দিয়ে|বের হতে পারছি না|nikal nahi sakdi|vigila la puerta",
    r"(dar|dado|dio) una paliza|bogazimi sik\w*|m'a (casse|frapp|tap|pouss|etrangl)\w*|kutt rahe|kuttya|darabni|mi ha spint\w*|m-?a imping\w*|m-?a impins",
    r"মেরে ফেলবে|mari nakh\w*|kadhai mudinj\w*|ma arunc|me tiro (a|al|por|de|bajo)|je me jette|soksiu|saaga po\w*|kayiru ready",
    r"(wzielam|lyknelam|polknelam) (cale|wszystkie)|tomei a cartela|ho preso tutte|badhi goli|pichu pichu|follow pan\w*|en pinnadi|ynzef|khoon vag",
    r"(driving|walking|been|still|right|few steps) behind me|குத்தின|ரத்தம்",
    # "he's following me" in the same languages: the fifth blind set's one crisis miss
    # was Romanian ("ma urmareste de la metrou")
    r"m(a|ă) urm(a|ă)re(s|ș)te",
    r"(s|ś)ledzi mnie",
    r"mnie (s|ś)ledzi",
    r"(me|esta me|esta a) segui\w*",
    r"me (esta )?sigu\w*",
    r"me persigue",
    r"beni takip ed\w*",
    r"mi (sta )?segu\w*",
    r"me suit",
    r"mane (seka|persekioja)\w*",
    r"me ndjek\w*",
    r"peech(a|e) kar\w*",
    # Written from the triage training lines (data/nlu/triage_lines.yml), never from a blind set:
    # his threat to "finish" her, "help, he's here", harm to a child with her, a house being smashed
    r"(he|she|they)('ll| will|'d| would| said he'?ll| says he'?ll|s gonna| is gonna| is going to) finish me",
    r"(help|please|pls|plz)( me)?\W+(\w+\W+){0,2}(he'?s|hes|he is|they'?re) (here|home|back)\b",
    r"(hit|hits|hitting|hurt|hurting|punch\w*|kick\w*|shook|shaking|slapp?\w*) (the|my|our) (baby|kids?|children|son|daughter|little one)\b",
    r"(he'?s|hes|he is|they'?re) (smashing|wrecking|trashing) (the|my|our) (house|flat|place|room|door|things|stuff)",
    # amounts of tablets, being locked in, hit again, in the languages of the training lines
    r"\d{2,} (ta )?(\w+ )?(goliyan|goli|tabletek|tabletki|pastillas|pastiglie|comprimidos|hap|ilac|حبة|حبوب)\b",
    r"(goliyan|goli|dawai\w*|oshudh|tablets?|pills?) (\w+ ){0,2}(kha li|kha liye|khayi|kheye fel\w*|kheyechi)\b",
    r"polknel\w* \d{2,}|tomarme \d{2,}|ho preso \d{2,}|بلعت|علبة حبوب|ilaclari (hazirladim|ictim|yuttum)|her seye son verecegim|hayatima son ver\w*",
    r"chaq?u le ke|chaaku|chhuri le ke|বাত নহি|بات نہیں کر سکتی|আমাকে (মারল|মেরেছে|মারছে)",
    r"me ha encerrado|me encerr(o|ó)|me quit(o|ó) el (movil|telefono|celular)|me ka mbyllur|s'?me le te dal",
    r"(yine|az once|simdi) (bana )?vurdu|bana vurdu|konusamiyorum\b[^.!?\n]{0,30}(yanimda|burada|evde)",
    # Each offered language's own words for danger, by kind (written after reading the misses of the
    # per-language sets in tests/nlu/languages/, which are therefore no longer blind for danger):
    # not wanting to live, ending everything tonight
    r"ما بدي (عيش|اعيش)|بدي موت|(رح|راح) (انهي|أنهي) (كل شي|حياتي)|baachte chai na|বাঁচতে চাই না|সব শেষ করে (দিব|দেব)",
    r"her seyi bitirecegim|hayatimi bitirecegim|سب ختم کر (دوں|دونگی|دوں گی)|jeena nahi chahti|me (jogar|atirar) d[ae] ponte",
    # followed, locked in
    r"يلحقني|يلاحقني|পিছু নিচ্ছে|pichu nich+e|idzie za mna|پیچھا کر (رہا|رہی|رہے)|stoi pod (oknem|drzwiami|domem)",
    r"(قفل|سكر) (علي|عليي) الباب|ما (بيخليني|بخليني|يخليني) (اطلع|أطلع)|আটকে রেখেছে|বের হতে দিচ্ছে না|me trancou|(estou|to|tô) trancada(?! fora)",
    r"sunt incuiata(?! afara)|m-?a incuiat|nu ma lasa sa ies|(کمرے|گھر) میں بند|مجھے (\w+ ){0,3}بند کر دیا|باہر نہیں نکلنے",
    # at the door, breaking it
    r"(bab|الباب|باب)[^.!?\n]{0,30}(yiksr|يكسر)\w*|(yiksr|يكسر)\w* (el ?bab|الباب)|dorja bhenge|দরজা ভেঙে|rompiendo la puerta|wali w drzwi|(vrea sa |o sa )?sparg\w* usa",
    r"kapiyi kir(acak|iyor)\w*|kapiyi kirdi\b|(darwaz|دروازہ|دروازے)[^.!?\n]{0,30}(tod dega|توڑ دے گا)",
    # cutting and bleeding
    r"جرحت (حالي|نفسي)|الدم ما (عم )?(يوقف|بيوقف)|হাত কেটে|রক্ত থামছে না|hacer(me)? cortes|pocie?l\w*|nie moge zatrzymac krwi",
    r"me cortei|sangrando muito|m-?am taiat|کلائی کاٹ",
    # threats, now
    r"(بيهددني|يهددني|عم يهددني)|(h)?humki|হুমকি|(dice|dijo|dicho) que (\w+ ){0,4}me (mata|matara)\b|me va a matar|ameac\w* (me )?(matar|esfaquear|bater)|ca (\w+ )?ma termina\b",
    r"tehdit (mesaj\w*|ediyor)|beni yakacak\w*|مار دے گا|دھمکی|دھمکیاں|جلا دیں",
    # help now: an ambulance, the police
    r"(أحتاج|احتاج|بدي|محتاجة) (إسعاف|اسعاف)|ambulance (lagbe|chahiye)|(llamen|llama) a una ambulancia|dzwon\w* po (policje|karetke)",
    r"liguem para a policia|sunati la 999|acil ambulans|پولیس (بلائیں|بلاؤ)",
    # overdoses, poison
    r"ঘুমের ওষুধ খেয়ে|cartela inteira|(butun|tum|hepsini|bir kutu) hap\w* ictim|hap\w* (hepsini|kutusunu) ictim|(ساری|سب|بہت سی|\d{2,}) گولیاں|(am baut|am inghitit) (inalbitor|clor)",
    # weapons, hit now, strangled, pushed
    r"হাতে ছুরি|ছুরি (নিয়ে|দেখিয়ে|ধরে)|ہاتھ میں چھری|چھری (لے|دکھا)\w*|me acaba de pegar|مجھے مار رہا|agarro del cuello|dusil mnie|me empurrou d[ao] escada",
]
