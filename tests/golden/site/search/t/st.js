KB_SEARCH.shard(["st",{"stated":[0,3,1,3,2,3],"stockpile":[2,10],"study":[2,2]}]);
